# SPDX-License-Identifier: MIT
"""Run by `mpiexec -n N pvbatch --symmetric pv_ranks.py VOLUME.pvti ARRAY DIR`: every rank
loads its share of the partitioned volume and writes one line to DIR/rank-<rank>.txt,
    RANK <rank> OF <ranks> CELLS <cells> SUM <sum of ARRAY over its cells> EXTENT <6 ints>
for the driver (test_paraview.py) to judge. A file of its own per rank, not stdout: the
launcher forwards the ranks' output streams, and under load a line may not make it."""
import os
import sys

from paraview import simple
from paraview.modules.vtkRemotingCore import vtkProcessModule

path, array_name, out_dir = sys.argv[1], sys.argv[2], sys.argv[3]
process = vtkProcessModule.GetProcessModule()
reader = simple.XMLPartitionedImageDataReader(FileName=[path])
reader.UpdatePipeline()
# In symmetric mode each rank's reader object holds the piece that rank read.
local = reader.GetClientSideObject().GetOutputDataObject(0)
array = local.GetCellData().GetArray(array_name)
total = sum(array.GetTuple1(i) for i in range(array.GetNumberOfTuples())) if array else -1
line = 'RANK %d OF %d CELLS %d SUM %r EXTENT %s\n' % (
    process.GetPartitionId(), process.GetNumberOfLocalPartitions(), local.GetNumberOfCells(),
    total, ' '.join(str(e) for e in local.GetExtent()))
with open(os.path.join(out_dir, 'rank-%d.txt' % process.GetPartitionId()), 'w') as f:
    f.write(line)
