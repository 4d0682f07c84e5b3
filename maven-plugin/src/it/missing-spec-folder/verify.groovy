def log = new File(basedir, 'build.log').text
def expected = "mxspec: ${new File(basedir, 'no-such-matrix-spec').canonicalPath}: spec directory does not exist (expected a folder holding one folder per release, such as v1.7/data, for example a checkout of matrix-spec or ../shared/matrix-spec)"
assert log.contains(expected) : "the documented message was not printed"
assert !log.contains('Exception') || !log.contains('\tat ') : 'no stack trace'
return true
