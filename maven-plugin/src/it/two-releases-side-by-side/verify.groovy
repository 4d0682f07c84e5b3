def classes = new File(basedir, 'target/classes/dev/mxspec/spec')
assert new File(classes, 'v1_4/clientserver/ClientEvent.class').isFile()
assert new File(classes, 'v1_7/clientserver/ClientEvent.class').isFile()
assert new File(classes, 'v1_7/clientserver/GenerateLoginTokenResponse.class').isFile() : 'v1.7 has login tokens'
assert !new File(classes, 'v1_4/clientserver/GenerateLoginTokenResponse.class').exists() : 'v1.4 has no login tokens'
assert new File(classes, 'v1_7/events/Events.class').isFile()
return true
