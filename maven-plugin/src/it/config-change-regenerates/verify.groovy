def log = new File(basedir, 'build.log').text
def runs = log.findAll(/mxspec: v1\.7 (->|up to date)[^\n]*/)
assert runs.size() == 3 : "three runs expected, saw: ${runs}"
assert runs[0].contains('written') && !runs[0].contains(' 0 written')
assert runs[1].contains('up to date') : "unchanged inputs must not regenerate: ${runs[1]}"
assert runs[2].contains('written') && runs[2].contains('removed') && !runs[2].contains(' 0 removed') : "a configuration change must regenerate: ${runs[2]}"
def gen = new File(basedir, 'target/generated-sources/mxspec/org/example')
assert new File(gen, 'second/v1_7/pushgateway/endpoints/Notify.java').isFile()
assert !new File(gen, 'first/v1_7/pushgateway/endpoints/Notify.java').exists() : 'files of the old configuration are removed'
return true
