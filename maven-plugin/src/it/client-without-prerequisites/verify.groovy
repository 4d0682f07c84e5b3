def log = new File(basedir, 'build.log').text
def expected = "mxspec: v1.7: generate 'client' needs models (package org.example.matrix.v1_7.clientserver) and events (package org.example.matrix.v1_7.events) and endpoints (package org.example.matrix.v1_7.clientserver.endpoints), which are neither generated in this run nor on the class path: add them to <generate> (models,events,endpoints,client), or depend on a module that generated them for the same release and packages"
assert log.contains(expected) : "the message naming what to add was not printed"
assert !new File(basedir, 'target/generated-sources/mxspec').exists() : 'nothing is generated'
return true
