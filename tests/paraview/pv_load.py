# SPDX-License-Identifier: MIT
"""Run by pvpython (which has no numpy): load each file of a job list with the reader ParaView
registers for it and print what ParaView sees, one line per job on stdout:
    RESULT {"id": ..., "class": ..., "dims": [...], "extent": [...], "spacing": [...],
            "origin": [...], "cell": {name: {"type": ..., "values": [...]}}, "point": {...},
            "points": [[x, y, z], ...]}        (points: poly data only)
or, for a .pvd time series (reader "pvd"), RESULT {"id": ..., "times": [...], "steps": [one
of the above per time step]}; or  RESULT {"id": ..., "error": "..."}.
Usage: pvpython pv_load.py JOBS.json, JOBS a list of {"id", "path", "reader"}; reader is one of
READERS below, or "open" for whatever OpenDataFile picks (what ParaView's File > Open does).
The judging is the driver's (test_paraview.py): this script only reports."""
import json
import sys
import traceback

from paraview import servermanager
from paraview import simple

READERS = {
    'vti': lambda p: simple.XMLImageDataReader(FileName=[p]),
    'pvti': lambda p: simple.XMLPartitionedImageDataReader(FileName=[p]),
    'vtk': lambda p: simple.LegacyVTKReader(FileNames=[p]),
    'hdf': lambda p: simple.VTKHDFReader(FileName=[p]),
    'xdmf': lambda p: simple.XDMFReader(FileNames=[p]),
    'vtp': lambda p: simple.XMLPolyDataReader(FileName=[p]),
    'open': simple.OpenDataFile,
}


def array_values(array):
    """Every value of a one-component array (numeric or string), in index order."""
    if array.IsA('vtkStringArray'):
        return [array.GetValue(i) for i in range(array.GetNumberOfValues())]
    return [array.GetTuple1(i) for i in range(array.GetNumberOfTuples())]


def arrays_of(field_data):
    out = {}
    for i in range(field_data.GetNumberOfArrays()):
        array = field_data.GetAbstractArray(i)
        out[array.GetName()] = {'type': array.GetDataTypeAsString(),
                                'components': array.GetNumberOfComponents(),
                                'values': array_values(array)}
    return out


def describe(data):
    found = {'class': data.GetClassName(), 'cell': arrays_of(data.GetCellData()),
             'point': arrays_of(data.GetPointData())}
    if data.IsA('vtkImageData'):
        found.update(dims=list(data.GetDimensions()), extent=list(data.GetExtent()),
                     spacing=list(data.GetSpacing()), origin=list(data.GetOrigin()))
    if data.IsA('vtkPolyData'):
        found['points'] = [list(data.GetPoint(i)) for i in range(data.GetNumberOfPoints())]
        found['verts'] = data.GetNumberOfVerts()
    return found


def load_series(path):
    """A .pvd collection: what ParaView sees at each of its time steps."""
    reader = simple.PVDReader(FileName=path)
    try:
        times = list(reader.TimestepValues)
        steps = []
        for t in times:
            reader.UpdatePipeline(t)
            steps.append(describe(servermanager.Fetch(reader)))
        return {'times': times, 'steps': steps, 'reader': reader.GetXMLName()}
    finally:
        simple.Delete(reader)


def load(job):
    if job['reader'] == 'pvd':
        return load_series(job['path'])
    reader = READERS[job['reader']](job['path'])
    if reader is None:
        return {'error': 'no reader for ' + job['path']}
    try:
        reader.UpdatePipeline()
        found = describe(servermanager.Fetch(reader))
        found['reader'] = reader.GetXMLName()
        return found
    finally:
        simple.Delete(reader)


def main():
    with open(sys.argv[1], encoding='utf-8') as f:
        jobs = json.load(f)
    for job in jobs:
        try:
            result = load(job)
        except Exception:  # report it and go on with the other files
            result = {'error': traceback.format_exc()}
        result['id'] = job['id']
        sys.stdout.write('RESULT ' + json.dumps(result) + '\n')
        sys.stdout.flush()


main()
