/* SPDX-License-Identifier: MIT */
/* The ParaView companions of a volume: the annotations .vtp, the generated Python script and
 * the .pvd collection. The .vtp is parsed back here (XML attributes, then every appended
 * block decoded and compared with values this test computes); the scripts are parsed by
 * python3's own parser and their string values read back with ast.literal_eval; the .pvd is
 * compared byte for byte with text written out here. */
#include <dirent.h>
#include <math.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "tmpdir.h"

#include "memscape/volume.h"

/* ---- reading a .vtp back, independently of the writer ------------------------------------ */

static uint64_t le(const unsigned char *p, size_t bytes)
{
    uint64_t v = 0;
    for (size_t i = bytes; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* The value of attribute name in the tag starting at tag (up to its '>'), copied to out. */
static int attribute(const char *tag, const char *name, char *out, size_t size)
{
    const char *end = strchr(tag, '>');
    char key[64];
    snprintf(key, sizeof key, " %s=\"", name);
    const char *at = strstr(tag, key);
    if (!at || !end || at > end)
        return 0;
    at += strlen(key);
    const char *close = strchr(at, '"');
    assert_non_null(close);
    assert_true((size_t)(close - at) < size);
    memcpy(out, at, (size_t)(close - at));
    out[close - at] = '\0';
    return 1;
}

static uint64_t attribute_u64(const char *tag, const char *name)
{
    char value[64];
    assert_true(attribute(tag, name, value, sizeof value));
    return strtoull(value, NULL, 10);
}

typedef struct vtp_file {
    char *text;
    size_t size;
    const unsigned char *appended;      /* the byte after '_' */
} vtp_file;

static vtp_file vtp_load(const char *path)
{
    vtp_file v;
    v.text = slurp(path, &v.size);
    assert_true(strncmp(v.text, "<?xml version=\"1.0\"?>\n<VTKFile type=\"PolyData\"", 46) == 0);
    char value[64];
    assert_true(attribute(strstr(v.text, "<VTKFile"), "header_type", value, sizeof value));
    assert_string_equal(value, "UInt64");
    assert_true(attribute(strstr(v.text, "<VTKFile"), "byte_order", value, sizeof value));
    assert_string_equal(value, "LittleEndian");
    const char *raw = strstr(v.text, "<AppendedData encoding=\"raw\">");
    assert_non_null(raw);
    raw = strchr(raw, '_');
    assert_non_null(raw);
    v.appended = (const unsigned char *)raw + 1;
    return v;
}

/* The DataArray named name: its type checked, its block's bytes returned with their count. */
static const unsigned char *vtp_block(const vtp_file *v, const char *name, const char *type,
                                      uint64_t *bytes)
{
    char key[64];
    snprintf(key, sizeof key, "Name=\"%s\"", name);
    const char *at = strstr(v->text, key);
    assert_non_null(at);
    const char *tag = at;
    while (tag > v->text && *tag != '<')
        tag--;
    char value[64];
    assert_true(attribute(tag, "type", value, sizeof value));
    assert_string_equal(value, type);
    assert_true(attribute(tag, "format", value, sizeof value));
    assert_string_equal(value, "appended");
    uint64_t offset = attribute_u64(tag, "offset");
    size_t head = (size_t)(v->appended - (const unsigned char *)v->text);
    assert_true(offset <= v->size - head && 8 <= v->size - head - offset);
    *bytes = le(v->appended + offset, 8);
    assert_true(*bytes <= v->size - head - offset - 8);
    return v->appended + offset + 8;
}

/* ---- annotations ------------------------------------------------------------------------- */

/* Labels from a dump and what the .vtp must hold for each: valid UTF-8 as it was; malformed
 * bytes as U+FFFD (EF BF BD) one per byte that starts no valid sequence; controls as '?'. */
static const struct {
    const char *label;
    const char *expected;
} labels[] = {
    {"ntdll.dll", "ntdll.dll"},
    {"<e&l\"'>n.exe", "<e&l\"'>n.exe"},
    {"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xbe"},
    {"a\xff" "b\xfe", "a\xef\xbf\xbd" "b\xef\xbf\xbd"},
    {"over\xc0\xaf", "over\xef\xbf\xbd\xef\xbf\xbd"},                 /* overlong '/' */
    {"sur\xed\xa0\x80", "sur\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},   /* U+D800 */
    {"big\xf4\x90\x80\x80", "big\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"},
    {"cut\xe2\x82", "cut\xef\xbf\xbd\xef\xbf\xbd"},
    {"tab\tnl\ncr\r", "tab?nl?cr?"},
    {"del\x7f" "c1\xc2\x85", "del?c1?"},
    {"", ""},
    {NULL, ""},
};
#define LABEL_COUNT (sizeof labels / sizeof labels[0])

static void fill_annotations(memscape_annotation *items)
{
    for (size_t i = 0; i < LABEL_COUNT; i++) {
        items[i] = (memscape_annotation){
            .position = {1.5 * (double)i, -2.25 - (double)i, 1e6 + 64.0 * (double)i},
            .label = labels[i].label,
            .kind = (memscape_annotation_kind)(i % 4),
            .id = i == 1 ? INT64_MIN : (int64_t)i * 1000 - 3,
            .address = i == 2 ? UINT64_MAX : 0x7ff800000000ull + i * 0x10000,
        };
    }
}

static void test_vtp_round_trip(void **state)
{
    (void)state;
    memscape_annotation items[LABEL_COUNT];
    fill_annotations(items);
    char path[512];
    in_dir(path, sizeof path, "a.vtp");
    memscape_error err = {0};
    assert_int_equal(memscape_annotations_write_vtp(path, items, LABEL_COUNT, &err),
                     MEMSCAPE_OK);
    vtp_file v = vtp_load(path);
    const char *piece = strstr(v.text, "<Piece");
    assert_int_equal(attribute_u64(piece, "NumberOfPoints"), LABEL_COUNT);
    assert_int_equal(attribute_u64(piece, "NumberOfVerts"), LABEL_COUNT);

    uint64_t bytes;
    const unsigned char *p = vtp_block(&v, "label", "String", &bytes);
    size_t at = 0;
    for (size_t i = 0; i < LABEL_COUNT; i++) {
        size_t n = strlen(labels[i].expected);
        assert_true(at + n < bytes);
        assert_memory_equal(p + at, labels[i].expected, n);
        assert_int_equal(p[at + n], 0);
        at += n + 1;
    }
    assert_int_equal(at, bytes);

    p = vtp_block(&v, "kind", "Int32", &bytes);
    assert_int_equal(bytes, 4 * LABEL_COUNT);
    for (size_t i = 0; i < LABEL_COUNT; i++)
        assert_int_equal(le(p + 4 * i, 4), i % 4);
    p = vtp_block(&v, "id", "Int64", &bytes);
    assert_int_equal(bytes, 8 * LABEL_COUNT);
    for (size_t i = 0; i < LABEL_COUNT; i++)
        assert_true((int64_t)le(p + 8 * i, 8) == items[i].id);
    p = vtp_block(&v, "address", "UInt64", &bytes);
    assert_int_equal(bytes, 8 * LABEL_COUNT);
    for (size_t i = 0; i < LABEL_COUNT; i++)
        assert_true(le(p + 8 * i, 8) == items[i].address);

    p = vtp_block(&v, "Points", "Float32", &bytes);
    assert_int_equal(bytes, 12 * LABEL_COUNT);
    for (size_t i = 0; i < 3 * LABEL_COUNT; i++) {
        uint32_t bits = (uint32_t)le(p + 4 * i, 4);
        float f;
        memcpy(&f, &bits, sizeof f);
        assert_true(f == (float)items[i / 3].position[i % 3]);
    }
    p = vtp_block(&v, "connectivity", "Int64", &bytes);
    assert_int_equal(bytes, 8 * LABEL_COUNT);
    for (size_t i = 0; i < LABEL_COUNT; i++)
        assert_int_equal(le(p + 8 * i, 8), i);
    p = vtp_block(&v, "offsets", "Int64", &bytes);
    assert_int_equal(bytes, 8 * LABEL_COUNT);
    for (size_t i = 0; i < LABEL_COUNT; i++)
        assert_int_equal(le(p + 8 * i, 8), i + 1);
    assert_non_null(strstr((const char *)p + bytes, "</AppendedData>\n</VTKFile>\n"));
    free(v.text);
}

static void test_vtp_zero_annotations(void **state)
{
    (void)state;
    char path[512];
    in_dir(path, sizeof path, "none.vtp");
    memscape_error err = {0};
    assert_int_equal(memscape_annotations_write_vtp(path, NULL, 0, &err), MEMSCAPE_OK);
    vtp_file v = vtp_load(path);
    assert_int_equal(attribute_u64(strstr(v.text, "<Piece"), "NumberOfPoints"), 0);
    static const char *const arrays[][2] = {
        {"label", "String"}, {"kind", "Int32"}, {"id", "Int64"}, {"address", "UInt64"},
        {"Points", "Float32"}, {"connectivity", "Int64"}, {"offsets", "Int64"},
    };
    for (size_t i = 0; i < sizeof arrays / sizeof arrays[0]; i++) {
        uint64_t bytes;
        vtp_block(&v, arrays[i][0], arrays[i][1], &bytes);
        assert_int_equal(bytes, 0);
    }
    free(v.text);
}

static void test_vtp_rejects_unrepresentable_positions(void **state)
{
    (void)state;
    const double bad[] = {NAN, INFINITY, -INFINITY, 1e39, -1e300};
    char path[512];
    in_dir(path, sizeof path, "bad.vtp");
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memscape_annotation a = {{0, 0, 0}, "x", MEMSCAPE_ANNOTATION_MODULE, 0, 0};
        a.position[i % 3] = bad[i];
        memscape_error err = {0};
        assert_int_equal(memscape_annotations_write_vtp(path, &a, 1, &err), MEMSCAPE_EINVAL);
        assert_false(exists(path));
    }
}

/* ---- the ParaView script ----------------------------------------------------------------- */

/* Reads the script with python3: it must be ASCII and parse, and each NAME=FILE argument
 * says the literal NAME holds FILE's bytes as UTF-8 (NAME= : holds None). */
static const char checker[] =
    "import ast, sys\n"
    "tree = ast.parse(open(sys.argv[1], encoding='ascii').read())\n"
    "values = {}\n"
    "for node in tree.body:\n"
    "    if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):\n"
    "        try:\n"
    "            values[node.targets[0].id] = ast.literal_eval(node.value)\n"
    "        except ValueError:\n"
    "            pass\n"
    "for pair in sys.argv[2:]:\n"
    "    name, path = pair.split('=', 1)\n"
    "    want = open(path, 'rb').read().decode('utf-8') if path else None\n"
    "    if values.get(name, 'missing') != want:\n"
    "        sys.exit('%s: %r is not %r' % (name, values.get(name, 'missing'), want))\n";

static int python_available(void)
{
    return system("python3 -c pass >/dev/null 2>&1") == 0;
}

/* Run the checker on script; args are NAME=FILE pairs. Returns the exit status. */
static int python_check(const char *script, const char *args)
{
    char check[512], cmd[2048];
    in_dir(check, sizeof check, "check.py");
    spill(check, checker, sizeof checker - 1);
    snprintf(cmd, sizeof cmd, "python3 '%s' '%s' %s", check, script, args);
    return system(cmd);
}

/* Write text to dir/name for the checker; returns "NAME=path". */
static const char *expect(char *out, size_t size, const char *var, const char *text)
{
    char path[512];
    in_dir(path, sizeof path, var);
    spill(path, text, strlen(text));
    snprintf(out, size, "%s=%s", var, path);
    return out;
}

static memscape_palette *palette(const char *name)
{
    memscape_palette *p = NULL;
    memscape_error err = {0};
    assert_int_equal(memscape_palette_builtin(&p, name, &err), MEMSCAPE_OK);
    return p;
}

/* Every palette entry appears in COLOURS, in order, as (value, r, g, b) with channels 0..1:
 * the class index (categorical) or the stop position (continuous). */
static void assert_colours(const char *script, const memscape_palette *p)
{
    const char *at = strstr(script, "\nCOLOURS = [\n");
    assert_non_null(at);
    at += strlen("\nCOLOURS = [\n");
    int categorical = memscape_palette_kind_of(p) == MEMSCAPE_PALETTE_CATEGORICAL;
    for (size_t i = 0; i < memscape_palette_count(p); i++) {
        double position, v[4];
        int used = 0;
        memscape_rgb rgb = memscape_palette_entry(p, i, NULL, &position);
        assert_int_equal(sscanf(at, "    (%lf, %lf, %lf, %lf),\n%n", &v[0], &v[1], &v[2],
                                &v[3], &used), 4);
        assert_true(fabs(v[0] - (categorical ? (double)i : position)) < 5e-7);
        assert_true(fabs(v[1] - rgb.r / 255.0) < 5e-7);
        assert_true(fabs(v[2] - rgb.g / 255.0) < 5e-7);
        assert_true(fabs(v[3] - rgb.b / 255.0) < 5e-7);
        at += used;
    }
    assert_true(strncmp(at, "]\n", 2) == 0);
}

/* CLASSES lists a categorical palette's class names in order (none for a continuous one). */
static void assert_classes(const char *script, const memscape_palette *p)
{
    char expected[8192] = "\nCLASSES = [\n";
    size_t used = strlen(expected);
    for (size_t i = 0; memscape_palette_kind_of(p) == MEMSCAPE_PALETTE_CATEGORICAL
                       && i < memscape_palette_count(p); i++) {
        const char *name = NULL;
        memscape_palette_entry(p, i, &name, NULL);
        used += (size_t)snprintf(expected + used, sizeof expected - used, "    '%s',\n", name);
        assert_true(used < sizeof expected);
    }
    snprintf(expected + used, sizeof expected - used, "]\n");
    assert_non_null(strstr(script, expected));
}

static const char hostile_title[] = "<e&l\"'>n.exe \\ \xff\n\t\x01 caf\xc3\xa9 \xf0\x9f\x92\xbe";
static const char hostile_title_utf8[] =
    "<e&l\"'>n.exe \\ \xef\xbf\xbd\n\t\x01 caf\xc3\xa9 \xf0\x9f\x92\xbe";

static void test_script_parses_for_every_format(void **state)
{
    (void)state;
    if (!python_available())
        skip();
    static const struct {
        memscape_volume_format format;
        const char *volume, *reader, *association;
    } formats[] = {
        {MEMSCAPE_VOLUME_VTI, "v<e&l\"'>n.vti", "XMLImageDataReader(FileName=[path])", "CELLS"},
        {MEMSCAPE_VOLUME_PVTI, "sub/v'.pvti", "XMLPartitionedImageDataReader(", "CELLS"},
        {MEMSCAPE_VOLUME_VTK, "v\\\n.vtk", "LegacyVTKReader(FileNames=[path])", "CELLS"},
        {MEMSCAPE_VOLUME_VTKHDF, "v \"\".hdf", "VTKHDFReader(FileName=path)", "POINTS"},
        {MEMSCAPE_VOLUME_XDMF, "\xc3\xa9t\xc3\xa9.xdmf", "XDMFReader(FileNames=[path])",
         "CELLS"},
    };
    memscape_palette *cat = palette("binvis-classes"), *cont = palette("viridis");
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++) {
        const memscape_palette *p = i % 2 ? cont : cat;
        memscape_paraview_script s = {formats[i].volume, formats[i].format, "a'\"\\.vtp",
                                      "byte_class", p, hostile_title, 0};
        char path[512], args[4][600], all[2600];
        in_dir(path, sizeof path, "v.paraview.py");
        memscape_error err = {0};
        assert_int_equal(memscape_paraview_script_write(path, &s, &err), MEMSCAPE_OK);
        snprintf(all, sizeof all, "%s %s %s %s",
                 expect(args[0], sizeof args[0], "TITLE", hostile_title_utf8),
                 expect(args[1], sizeof args[1], "VOLUME", formats[i].volume),
                 expect(args[2], sizeof args[2], "ANNOTATIONS", "a'\"\\.vtp"),
                 expect(args[3], sizeof args[3], "ARRAY", "byte_class"));
        assert_int_equal(python_check(path, all), 0);
        size_t size;
        char *script = slurp(path, &size);
        assert_non_null(strstr(script, formats[i].reader));
        char assoc[64];
        snprintf(assoc, sizeof assoc, "\nASSOCIATION = '%s'\n", formats[i].association);
        assert_non_null(strstr(script, assoc));
        assert_non_null(strstr(script, "\nSERIES = False\n"));
        assert_non_null(strstr(script, i % 2 ? "\nCATEGORICAL = False\n"
                                             : "\nCATEGORICAL = True\n"));
        assert_colours(script, p);
        assert_classes(script, p);
        assert_non_null(strstr(script, "SaveScreenshot(shot, view, ImageResolution=[1280, 1024])"
                                       "\n        Delete(view)\n"));
        free(script);
        assert_false(exists(in_dir(path, sizeof path, "v.paraview.py.tmp")));
    }
    memscape_palette_free(cat);
    memscape_palette_free(cont);
}

static void test_script_without_title_or_annotations(void **state)
{
    (void)state;
    if (!python_available())
        skip();
    memscape_palette *p = palette("modules");
    memscape_paraview_script s = {"v.vti", MEMSCAPE_VOLUME_VTI, NULL, "module_id", p, NULL,
                                  0};
    char path[512], arg[600], all[700];
    in_dir(path, sizeof path, "plain.paraview.py");
    memscape_error err = {0};
    assert_int_equal(memscape_paraview_script_write(path, &s, &err), MEMSCAPE_OK);
    snprintf(all, sizeof all, "TITLE= ANNOTATIONS= %s",
             expect(arg, sizeof arg, "VOLUME", "v.vti"));
    assert_int_equal(python_check(path, all), 0);
    size_t size;
    char *script = slurp(path, &size);
    assert_colours(script, p);
    assert_classes(script, p);
    free(script);
    memscape_palette_free(p);
}

/* A time series opens both collections with ParaView's PVD reader, whatever the frames are. */
static void test_script_for_a_series(void **state)
{
    (void)state;
    if (!python_available())
        skip();
    memscape_palette *p = palette("entropy");
    memscape_paraview_script s = {"run.pvd", MEMSCAPE_VOLUME_VTI, "run.annotations.pvd",
                                  "entropy", p, "3 dumps", 1};
    char path[512], args[2][600], all[1300];
    in_dir(path, sizeof path, "series.paraview.py");
    memscape_error err = {0};
    assert_int_equal(memscape_paraview_script_write(path, &s, &err), MEMSCAPE_OK);
    snprintf(all, sizeof all, "%s %s", expect(args[0], sizeof args[0], "VOLUME", "run.pvd"),
             expect(args[1], sizeof args[1], "ANNOTATIONS", "run.annotations.pvd"));
    assert_int_equal(python_check(path, all), 0);
    size_t size;
    char *script = slurp(path, &size);
    assert_non_null(strstr(script, "\nSERIES = True\n"));
    assert_non_null(strstr(script, "def open_volume(path):\n    return PVDReader(FileName=path)"));
    assert_null(strstr(script, "XMLImageDataReader"));
    assert_non_null(strstr(script, "UpdateAnimationUsingDataTimeSteps()"));
    free(script);
    memscape_palette_free(p);
}

static void test_script_refuses_names_paraview_cannot_open(void **state)
{
    (void)state;
    memscape_palette *p = palette("gray");
    char path[512];
    in_dir(path, sizeof path, "bad.paraview.py");
    memscape_paraview_script bad[] = {
        {"v\xff.vti", MEMSCAPE_VOLUME_VTI, NULL, "a", p, "t", 0},
        {"v.vti", MEMSCAPE_VOLUME_VTI, "a\xc0\xaf.vtp", "a", p, "t", 0},
        {"v.vti", MEMSCAPE_VOLUME_FORMAT_COUNT, NULL, "a", p, "t", 0},
        {NULL, MEMSCAPE_VOLUME_VTI, NULL, "a", p, "t", 0},
        {"v.vti", MEMSCAPE_VOLUME_VTI, NULL, NULL, p, "t", 0},
        {"v.vti", MEMSCAPE_VOLUME_VTI, NULL, "a", NULL, "t", 0},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memscape_error err = {0};
        assert_int_equal(memscape_paraview_script_write(path, &bad[i], &err), MEMSCAPE_EINVAL);
        assert_false(exists(path));
    }
    memscape_palette_free(p);
}

/* ---- the .pvd collection ----------------------------------------------------------------- */

static void test_pvd_escapes_file_names(void **state)
{
    (void)state;
    const char *const files[] = {"a&b.vti", "<x>.vti", "q\"'.vti", "t\tn\nr\r.vti",
                                 "\xc3\xa9.vti"};
    static const char expected[] =
        "<?xml version=\"1.0\"?>\n"
        "<VTKFile type=\"Collection\" version=\"0.1\" byte_order=\"LittleEndian\">\n"
        "  <Collection>\n"
        "    <DataSet timestep=\"0\" part=\"0\" file=\"a&amp;b.vti\"/>\n"
        "    <DataSet timestep=\"1\" part=\"0\" file=\"&lt;x&gt;.vti\"/>\n"
        "    <DataSet timestep=\"2\" part=\"0\" file=\"q&quot;&apos;.vti\"/>\n"
        "    <DataSet timestep=\"3\" part=\"0\" file=\"t&#9;n&#10;r&#13;.vti\"/>\n"
        "    <DataSet timestep=\"4\" part=\"0\" file=\"\xc3\xa9.vti\"/>\n"
        "  </Collection>\n"
        "</VTKFile>\n";
    char path[512];
    in_dir(path, sizeof path, "t.pvd");
    memscape_error err = {0};
    assert_int_equal(memscape_pvd_write(path, files, 5, &err), MEMSCAPE_OK);
    size_t size;
    char *text = slurp(path, &size);
    assert_int_equal(size, sizeof expected - 1);
    assert_string_equal(text, expected);
    free(text);
}

static void test_pvd_refuses_names_xml_cannot_hold(void **state)
{
    (void)state;
    char path[512];
    in_dir(path, sizeof path, "keep.pvd");
    spill(path, "good", 4);
    const char *const bad[] = {"a\xff.vti", "a\x01.vti", "a\xef\xbf\xbe.vti", "", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *const files[] = {"ok.vti", bad[i]};
        memscape_error err = {0};
        assert_int_equal(memscape_pvd_write(path, files, 2, &err), MEMSCAPE_EINVAL);
        size_t size;
        char *text = slurp(path, &size);
        assert_string_equal(text, "good");
        free(text);
    }
    assert_false(exists(in_dir(path, sizeof path, "keep.pvd.tmp")));
}

/* ---- atomic writes ----------------------------------------------------------------------- */

/* Into a missing folder nothing can be written; over a folder the rename fails after the
 * temporary file was written, which must then be gone. */
static void test_failed_writes_leave_no_temporary(void **state)
{
    (void)state;
    char missing[512], folder[512], tmp[600];
    in_dir(missing, sizeof missing, "missing/out");
    in_dir(folder, sizeof folder, "folder");
    snprintf(tmp, sizeof tmp, "%s.tmp", folder);
    assert_int_equal(mkdir(folder, 0755), 0);
    memscape_palette *p = palette("gray");
    memscape_paraview_script s = {"v.vti", MEMSCAPE_VOLUME_VTI, NULL, "a", p, "t", 0};
    const char *const files[] = {"a.vti"};
    memscape_annotation a = {{1, 2, 3}, "x", MEMSCAPE_ANNOTATION_MODULE, 0, 0};
    const char *const targets[] = {missing, folder};
    for (size_t i = 0; i < 2; i++) {
        memscape_error err = {0};
        assert_int_equal(memscape_annotations_write_vtp(targets[i], &a, 1, &err), MEMSCAPE_EIO);
        assert_non_null(strstr(err.msg, targets[i]));
        assert_int_equal(memscape_paraview_script_write(targets[i], &s, &err), MEMSCAPE_EIO);
        assert_int_equal(memscape_pvd_write(targets[i], files, 1, &err), MEMSCAPE_EIO);
        assert_false(exists(tmp));
    }
    struct stat sb;
    assert_int_equal(stat(folder, &sb), 0);
    assert_true(S_ISDIR(sb.st_mode));
    assert_int_equal(rmdir(folder), 0);
    memscape_palette_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vtp_round_trip),
        cmocka_unit_test(test_vtp_zero_annotations),
        cmocka_unit_test(test_vtp_rejects_unrepresentable_positions),
        cmocka_unit_test(test_script_parses_for_every_format),
        cmocka_unit_test(test_script_without_title_or_annotations),
        cmocka_unit_test(test_script_for_a_series),
        cmocka_unit_test(test_script_refuses_names_paraview_cannot_open),
        cmocka_unit_test(test_pvd_escapes_file_names),
        cmocka_unit_test(test_pvd_refuses_names_xml_cannot_hold),
        cmocka_unit_test(test_failed_writes_leave_no_temporary),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
