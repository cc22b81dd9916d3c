/* SPDX-License-Identifier: MIT */
/* Patterns of the fault itself: where the faulting access went (stack-overflow, null-pointer,
 * invalid-pointer).
 *
 * Three encodings of "a memory access failed" reach the model:
 * - Windows: STATUS_ACCESS_VIOLATION 0xC0000005 and STATUS_IN_PAGE_ERROR 0xC0000006
 *   (ntstatus.h). ExceptionInformation[0] is the access (0 read, 1 write, 8 execute: a DEP
 *   fault) and [1] the address accessed; ExceptionAddress is the faulting instruction.
 * - POSIX signals: SIGSEGV is 11 everywhere; SIGBUS is 7 on Linux and Android, 10 on macOS,
 *   iOS, FreeBSD, NetBSD and Solaris. si_addr is the address accessed, but only when si_code
 *   says the kernel raised the signal for a fault (si_code > 0, not SI_KERNEL).
 * - Mach exceptions (Breakpad and Crashpad minidumps of macOS and iOS): EXC_BAD_ACCESS 1
 *   (mach/exception_types.h); the flags hold code[0] (KERN_INVALID_ADDRESS 1,
 *   KERN_PROTECTION_FAILURE 2: a page fault) and the exception address the fault address.
 * Windows also raises STATUS_STACK_OVERFLOW 0xC00000FD when a thread's stack cannot grow. */
#include <inttypes.h>

#include "patterns/detector.h"
#include "util/checked.h"

#define STATUS_ACCESS_VIOLATION 0xC0000005u
#define STATUS_IN_PAGE_ERROR 0xC0000006u
#define STATUS_STACK_OVERFLOW 0xC00000FDu
#define SIGNAL_SEGV 11u
#define SIGNAL_BUS_LINUX 7u
#define SIGNAL_BUS_BSD 10u
#define MACH_EXC_BAD_ACCESS 1u
#define MACH_KERN_INVALID_ADDRESS 1u
#define MACH_KERN_PROTECTION_FAILURE 2u
#define SI_KERNEL 0x80              /* Linux si_code: raised by the kernel, no fault address */

/* Windows keeps the first 64 KiB of every process unmapped (MmLowestUserAddress) and Linux
 * refuses to map below vm.mmap_min_addr (64 KiB on most distributions): an access there is a
 * NULL pointer plus a field or array offset. */
#define NULL_REGION_END 0x10000u

/* How far below a stack's lowest address a fault still counts as the stack overflowing.
 * Windows probes a large frame page by page (__chkstk), so its overflow faults within a page
 * of the guard; compilers probing for stack clash do the same on Linux. Without probes a
 * frame's first access can land further down, by up to the frame's size: 64 KiB covers a
 * frame holding a large local buffer while staying clear of the mappings further below. */
#define STACK_SLACK 0x10000u

/* A sane stack is smaller than this; a TEB claiming more is not believed. */
#define STACK_SIZE_MAX (1ull << 32)

/* Minidump streams that describe the whole address space (minidumpapiset.h; Breakpad's
 * minidump_format.h): MemoryInfoListStream and MD_LINUX_MAPS. */
#define MDMP_MEMORY_INFO_LIST 16u
#define MDMP_LINUX_MAPS 0x47670009u

typedef enum access_kind { ACCESS_UNKNOWN, ACCESS_READ, ACCESS_WRITE, ACCESS_EXECUTE } access_kind;

/* The reported exception seen as a memory fault (or a stack overflow). */
typedef struct fault {
    const memscape_exception *e;
    const memscape_thread *thread; /* the faulting thread, or NULL */
    int access_fault;              /* an access violation, SIGSEGV, SIGBUS or EXC_BAD_ACCESS */
    int has_address;               /* the address accessed is known */
    uint64_t address;
    access_kind access;
    int has_pc;
    uint64_t pc;
    int has_sp;
    uint64_t sp;
} fault;

static int is_windows_code(const memscape_space *space, const memscape_exception *e)
{
    memscape_os os = memscape_space_system(space)->os;
    return !e->is_signal && (os == MEMSCAPE_OS_WINDOWS || os == MEMSCAPE_OS_UNKNOWN);
}

static int is_mach_exception(const memscape_space *space, const memscape_exception *e)
{
    memscape_os os = memscape_space_system(space)->os;
    return !e->is_signal && (os == MEMSCAPE_OS_MACOS || os == MEMSCAPE_OS_IOS);
}

static int is_bus_signal(memscape_os os, uint32_t signal)
{
    switch (os) {
    case MEMSCAPE_OS_LINUX:
    case MEMSCAPE_OS_ANDROID:
        return signal == SIGNAL_BUS_LINUX;
    case MEMSCAPE_OS_MACOS:
    case MEMSCAPE_OS_IOS:
    case MEMSCAPE_OS_FREEBSD:
    case MEMSCAPE_OS_NETBSD:
    case MEMSCAPE_OS_SOLARIS:
        return signal == SIGNAL_BUS_BSD;
    default:
        return 0;
    }
}

static void windows_access(const memscape_exception *e, fault *f)
{
    f->access_fault = e->code == STATUS_ACCESS_VIOLATION || e->code == STATUS_IN_PAGE_ERROR;
    if (!f->access_fault || e->parameter_count < 2)
        return;
    f->has_address = 1;
    f->address = e->parameters[1];
    f->access = e->parameters[0] == 0   ? ACCESS_READ
                : e->parameters[0] == 1 ? ACCESS_WRITE
                : e->parameters[0] == 8 ? ACCESS_EXECUTE
                                        : ACCESS_UNKNOWN;
}

/* si_addr means something only for a fault the kernel raised: a negative si_code says a
 * process sent the signal (SI_TKILL, SI_QUEUE), SI_KERNEL a fault without an address (x86's
 * general protection fault). An ELF core reader that found no NT_SIGINFO leaves si_code 0,
 * so there 0 says "unknown"; Breakpad before 2016 wrote no si_code at all, so in a minidump
 * 0 still goes with a real address. memscape keeps si_addr for Linux and Android only. */
static void signal_access(const memscape_space *space, const memscape_exception *e, fault *f)
{
    const memscape_system *sys = memscape_space_system(space);
    f->access_fault = e->code == SIGNAL_SEGV || is_bus_signal(sys->os, e->code);
    int32_t si_code = (int32_t)e->flags;
    int linux_like = sys->os == MEMSCAPE_OS_LINUX || sys->os == MEMSCAPE_OS_ANDROID;
    int minimum = sys->format == MEMSCAPE_FORMAT_ELF_CORE ? 1 : 0;
    if (f->access_fault && linux_like && si_code >= minimum && si_code != SI_KERNEL) {
        f->has_address = 1;
        f->address = e->address;
    }
}

static void mach_access(const memscape_exception *e, fault *f)
{
    f->access_fault = e->code == MACH_EXC_BAD_ACCESS;
    if (f->access_fault &&
        (e->flags == MACH_KERN_INVALID_ADDRESS || e->flags == MACH_KERN_PROTECTION_FAILURE)) {
        f->has_address = 1;
        f->address = e->address;
    }
}

/* The reported exception as a fault; 0 when the dump has none. */
static int describe_fault(const memscape_space *space, fault *f)
{
    const memscape_exception *e = memscape_space_exception(space);
    *f = (fault){.e = e};
    if (!e)
        return 0;
    f->thread = memscape_space_find_thread(space, e->thread_id);
    int windows = is_windows_code(space, e);
    if (windows)
        windows_access(e, f);
    else if (e->is_signal)
        signal_access(space, e, f);
    else if (is_mach_exception(space, e))
        mach_access(e, f);
    /* The exception's own context first: in a Windows dump the thread's context is where the
     * dump writer stopped it. Windows's ExceptionAddress is the faulting instruction. */
    if (e->has_context) {
        f->has_pc = f->has_sp = 1;
        f->pc = e->pc;
        f->sp = e->sp;
    } else if (f->thread && f->thread->has_context) {
        f->has_pc = f->has_sp = 1;
        f->pc = f->thread->pc;
        f->sp = f->thread->sp;
    }
    if (windows && !e->has_context) {
        f->has_pc = 1;
        f->pc = e->address;
    }
    return 1;
}

static const char *access_name(access_kind a)
{
    switch (a) {
    case ACCESS_READ: return "read";
    case ACCESS_WRITE: return "write";
    case ACCESS_EXECUTE: return "execute";
    default: return "unknown";
    }
}

/* The exception's code or signal, and what is known of the access, as evidence. */
static void fault_evidence(memscape_detection *d, const fault *f)
{
    memscape_detection_evidence(d, f->e->is_signal ? "signal" : "code", "0x%x", f->e->code);
    if (f->has_address)
        memscape_detection_evidence(d, "accessed", "0x%" PRIx64, f->address);
    if (f->access != ACCESS_UNKNOWN)
        memscape_detection_evidence(d, "access", "%s", access_name(f->access));
    if (f->has_pc)
        memscape_detection_evidence(d, "pc", "0x%" PRIx64, f->pc);
}

/* A finding on the faulting thread at address, in the module holding module_address. */
static memscape_finding *report(memscape_detection *d, const char *id, const fault *f,
                                uint64_t address, int has_module_address,
                                uint64_t module_address)
{
    memscape_finding *finding = memscape_detection_add(d, id);
    if (!finding)
        return NULL;
    finding->has_thread = 1;
    finding->thread_id = f->e->thread_id;
    finding->has_address = 1;
    finding->address = address;
    const memscape_module *m =
        has_module_address ? memscape_space_find_module(d->space, module_address) : NULL;
    if (m)
        memscape_detection_module(d, finding, m->name);
    return finding;
}

/* ---- the stack --------------------------------------------------------------------------- */

/* Does the dump describe the whole address space, so that "in no region" means unmapped?
 * A minidump without MemoryInfoList or Linux maps only lists what it captured. */
static int layout_is_complete(const memscape_space *space)
{
    const memscape_system *sys = memscape_space_system(space);
    size_t n;
    if (sys->format == MEMSCAPE_FORMAT_ELF_CORE) {
        /* Linux writes a PT_LOAD for every mapping, with or without its bytes. */
        memscape_space_regions(space, &n);
        return n > 0;
    }
    if (sys->format != MEMSCAPE_FORMAT_MINIDUMP)
        return 0;
    const memscape_stream *s = memscape_space_streams(space, &n);
    for (size_t i = 0; i < n; i++)
        if (s[i].type == MDMP_MEMORY_INFO_LIST || s[i].type == MDMP_LINUX_MAPS)
            return 1;
    return 0;
}

/* The faulting thread's stack: [bottom, top) with its guard region, and where known its limit,
 * the lowest address the thread may use (below it: guard and reserved pages). */
typedef struct stack_extent {
    uint64_t bottom;
    uint64_t top;
    int has_limit;
    uint64_t limit;
} stack_extent;

static int in_use(const memscape_region *r)
{
    return r->state == MEMSCAPE_STATE_COMMITTED || r->state == MEMSCAPE_STATE_NOT_CAPTURED;
}

/* A guard page (PAGE_GUARD), or a no-access mapping such as glibc's below a thread stack. */
static int is_guard(const memscape_region *r)
{
    return r->state != MEMSCAPE_STATE_FREE &&
           ((r->protect & MEMSCAPE_PROT_GUARD) ||
            (r->protect & MEMSCAPE_PROT_BASE_MASK) == MEMSCAPE_PROT_NOACCESS);
}

static int adjacent(const memscape_region *below, const memscape_region *above)
{
    return below->base + below->size == above->base;
}

/* The stack's allocation in the layout, from the region holding anchor: its usable part gives
 * the limit; below it, the same allocation's guard and reserved pages and one adjacent guard
 * mapping extend the bottom. Each step moves to a neighbour, so the walk is bounded by the
 * regions of one allocation. */
static void extent_from_layout(const memscape_space *space, uint64_t anchor, stack_extent *x)
{
    size_t n;
    const memscape_region *all = memscape_space_regions(space, &n);
    const memscape_region *r = memscape_space_find_region(space, anchor);
    if (!r || !in_use(r) || is_guard(r))
        return;
    size_t i = (size_t)(r - all), low = i, high = i;
    uint64_t alloc = r->allocation_base;
    while (low > 0 && adjacent(&all[low - 1], &all[low]) && in_use(&all[low - 1]) &&
           !is_guard(&all[low - 1]) && all[low - 1].allocation_base == alloc)
        low--;
    x->has_limit = 1;
    x->limit = all[low].base;
    while (low > 0 && adjacent(&all[low - 1], &all[low]) &&
           all[low - 1].state != MEMSCAPE_STATE_FREE && all[low - 1].allocation_base == alloc)
        low--;
    if (low > 0 && adjacent(&all[low - 1], &all[low]) && is_guard(&all[low - 1]))
        low--;
    while (high + 1 < n && adjacent(&all[high], &all[high + 1]) &&
           all[high + 1].state != MEMSCAPE_STATE_FREE && all[high + 1].allocation_base == alloc)
        high++;
    if (all[low].base < x->bottom)
        x->bottom = all[low].base;
    uint64_t end = memscape_end_clamped(all[high].base, all[high].size);
    if (end > x->top)
        x->top = end;
}

/* A Windows thread's NT_TIB (winnt.h), at the start of its TEB: ExceptionList, StackBase,
 * StackLimit, each a pointer. StackLimit is the lowest committed stack page; the guard page
 * lies just below it. */
static void extent_from_teb(const memscape_space *space, const memscape_thread *t,
                            stack_extent *x)
{
    unsigned width = memscape_space_system(space)->pointer_size;
    if (!t->teb || (width != 4 && width != 8))
        return;
    uint8_t tib[24];
    if (memscape_space_read(space, t->teb, tib, 3 * width) != 3 * width)
        return;
    uint64_t base = 0, limit = 0;
    for (unsigned k = 0; k < width; k++) {
        base |= (uint64_t)tib[width + k] << (8 * k);
        limit |= (uint64_t)tib[2 * width + k] << (8 * k);
    }
    if (limit == 0 || limit >= base || base - limit > STACK_SIZE_MAX)
        return;
    x->has_limit = 1;
    x->limit = limit;
    if (limit < x->bottom)
        x->bottom = limit;
    if (base > x->top)
        x->top = base;
}

static int stack_extent_of(const memscape_space *space, const fault *f, stack_extent *x)
{
    const memscape_thread *t = f->thread;
    if (!t || (t->stack_size == 0 && !f->has_sp))
        return 0;
    *x = (stack_extent){.bottom = t->stack_base,
                        .top = memscape_end_clamped(t->stack_base, t->stack_size)};
    if (t->stack_size == 0)
        x->bottom = x->top = f->sp;
    if (layout_is_complete(space)) {
        /* The stack's highest described byte is in use for sure; the SP may be wild. */
        uint64_t anchor = t->stack_size ? x->top - 1 : f->sp;
        extent_from_layout(space, anchor, x);
    }
    if (is_windows_code(space, f->e))
        extent_from_teb(space, t, x);
    return 1;
}

static uint64_t below_by_slack(uint64_t addr)
{
    return addr > STACK_SLACK ? addr - STACK_SLACK : 0;
}

/* Why the fault looks like the stack overflowing; NULL when it does not. */
static const char *overflow_reason(const memscape_space *space, const fault *f,
                                   stack_extent *x)
{
    if (is_windows_code(space, f->e) && f->e->code == STATUS_STACK_OVERFLOW) {
        if (!stack_extent_of(space, f, x))
            *x = (stack_extent){0};
        return "exception 0xC00000FD (STATUS_STACK_OVERFLOW)";
    }
    if (!f->access_fault || !stack_extent_of(space, f, x))
        return NULL;
    uint64_t lowest = below_by_slack(x->bottom);
    /* Executing stack memory (DEP) is not an overflow; nor is a NULL page access. */
    if (f->has_address && f->access != ACCESS_EXECUTE && f->address >= NULL_REGION_END &&
        f->address >= lowest && f->address < x->top && (!x->has_limit || f->address < x->limit))
        return f->address < x->bottom ? "fault address just below the stack"
                                      : "fault address in the stack's guard or reserved pages";
    if (x->has_limit && f->has_sp && f->sp <= x->limit && f->sp >= lowest)
        return "stack pointer at or below the stack limit";
    return NULL;
}

static void detect_stack_overflow(memscape_detection *d)
{
    fault f;
    stack_extent x;
    if (!describe_fault(d->space, &f))
        return;
    const char *why = overflow_reason(d->space, &f, &x);
    if (!why)
        return;
    uint64_t address = f.has_address ? f.address : f.has_sp ? f.sp : f.e->address;
    if (!report(d, "stack-overflow", &f, address, f.has_pc, f.pc))
        return;
    memscape_detection_evidence(d, "reason", "%s", why);
    fault_evidence(d, &f);
    if (x.top > x.bottom)
        memscape_detection_evidence(d, "stack", "0x%" PRIx64 "-0x%" PRIx64, x.bottom, x.top);
    if (x.has_limit)
        memscape_detection_evidence(d, "limit", "0x%" PRIx64, x.limit);
    if (f.has_sp)
        memscape_detection_evidence(d, "sp", "0x%" PRIx64, f.sp);
}

/* ---- NULL and invalid pointers ----------------------------------------------------------- */

/* A NULL pointer fault: in code when execution itself went to the first 64 KiB (a call
 * through a NULL function pointer), in data when only the address accessed is there. */
typedef enum null_kind { NOT_NULL, NULL_DATA, NULL_CODE } null_kind;

static null_kind null_kind_of(const fault *f)
{
    if (!f->access_fault)
        return NOT_NULL;
    if ((f->has_pc && f->pc < NULL_REGION_END) ||
        (f->has_address && f->address < NULL_REGION_END && f->access == ACCESS_EXECUTE))
        return NULL_CODE;
    return f->has_address && f->address < NULL_REGION_END ? NULL_DATA : NOT_NULL;
}

static void detect_null_pointer(memscape_detection *d)
{
    fault f;
    if (!describe_fault(d->space, &f))
        return;
    null_kind kind = null_kind_of(&f);
    if (kind == NOT_NULL)
        return;
    /* Code: report where execution went, and no module (there is none at page zero). */
    uint64_t address = kind == NULL_CODE && f.has_pc ? f.pc : f.address;
    if (!report(d, "null-pointer", &f, address, kind == NULL_DATA && f.has_pc, f.pc))
        return;
    memscape_detection_evidence(d, "kind", "%s", kind == NULL_CODE ? "code" : "data");
    fault_evidence(d, &f);
}

/* Where a 64-bit address cannot be: x86-64 requires bits 63..47 all equal (48-bit virtual
 * addresses; Intel SDM 3.3.7.1); arm64 with 48-bit addresses requires bits 55..47 all equal,
 * the top byte being a tag the MMU ignores (Top Byte Ignore, which Linux, Android and macOS
 * enable for user space). Other architectures: no claim. */
static int is_non_canonical(memscape_arch arch, uint64_t addr)
{
    uint64_t bits;
    if (arch == MEMSCAPE_ARCH_AMD64)
        bits = addr >> 47;
    else if (arch == MEMSCAPE_ARCH_ARM64)
        bits = (addr >> 47) & 0x1ff;
    else
        return 0;
    uint64_t all = arch == MEMSCAPE_ARCH_AMD64 ? 0x1ffff : 0x1ff;
    return bits != 0 && bits != all;
}

/* The kernel's half of a 64-bit address space (the sign bit of a canonical address): no
 * user-mode access there succeeds. */
static int is_kernel_half(memscape_arch arch, uint64_t addr)
{
    if (arch == MEMSCAPE_ARCH_AMD64)
        return (addr >> 63) != 0;
    if (arch == MEMSCAPE_ARCH_ARM64)
        return ((addr >> 55) & 1) != 0;
    return 0;
}

static const char *invalid_reason(const memscape_space *space, const fault *f)
{
    const memscape_system *sys = memscape_space_system(space);
    uint64_t a = f->address;
    /* A non-canonical access raises a general protection fault, which carries no address:
     * Windows then reports the address as all ones. */
    if (is_windows_code(space, f->e) && sys->arch == MEMSCAPE_ARCH_AMD64 && a == UINT64_MAX)
        return "address 0xffffffffffffffff: Windows's report of a general protection fault, "
               "such as a non-canonical address causes";
    if (sys->pointer_size == 8 && is_non_canonical(sys->arch, a))
        return sys->arch == MEMSCAPE_ARCH_AMD64 ? "non-canonical (bits 63..47 differ)"
                                                : "non-canonical (bits 55..47 differ)";
    if (sys->pointer_size == 8 && is_kernel_half(sys->arch, a))
        return "in the kernel's half of the address space";
    if (!layout_is_complete(space))
        return NULL;
    const memscape_region *r = memscape_space_find_region(space, a);
    if (!r)
        return "in no region";
    return r->state == MEMSCAPE_STATE_FREE ? "in a free region" : NULL;
}

static void detect_invalid_pointer(memscape_detection *d)
{
    fault f;
    stack_extent x;
    if (!describe_fault(d->space, &f) || !f.access_fault || !f.has_address ||
        null_kind_of(&f) != NOT_NULL)
        return;
    /* An access just below the stack is the stack overflowing, not a bad pointer. */
    if (overflow_reason(d->space, &f, &x))
        return;
    const char *why = invalid_reason(d->space, &f);
    if (!why || !report(d, "invalid-pointer", &f, f.address, f.has_pc, f.pc))
        return;
    memscape_detection_evidence(d, "reason", "%s", why);
    fault_evidence(d, &f);
}

const memscape_detector memscape_detectors_faults[] = {
    {"stack-overflow", detect_stack_overflow},
    {"null-pointer", detect_null_pointer},
    {"invalid-pointer", detect_invalid_pointer},
};
const size_t memscape_detectors_faults_count =
    sizeof memscape_detectors_faults / sizeof memscape_detectors_faults[0];
