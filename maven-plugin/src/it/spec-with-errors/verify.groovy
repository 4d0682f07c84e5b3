def log = new File(basedir, 'build.log').text
def file = new File(basedir, 'spec/v1.16/data/api/client-server/broken.yaml').canonicalPath
assert log.contains("[ERROR] ${file}:9: error: path segment {roomId} of /_matrix/client/v3/rooms/{roomId} has no path parameter") : 'the error with file and line'
assert log.contains("[WARNING] ${file}:10: warning: operation key 'x-unheard-of' is not understood; ignored") : 'the warning with file and line'
assert log.contains('mxspec: 1 error, 1 warning') : 'the counts'
assert log.contains('mxspec: the spec cannot be generated faithfully: 1 error; nothing was generated')
assert !new File(basedir, 'target/generated-sources/mxspec').exists() : 'nothing is generated'
return true
