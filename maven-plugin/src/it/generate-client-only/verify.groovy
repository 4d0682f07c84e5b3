def gen = new File(basedir, 'target/generated-sources/mxspec/org/example/matrix/v1_7')
assert new File(gen, 'clientserver/client/ClientServerClient.java').isFile()
assert new File(gen, 'clientserver/endpoints/SendMessage.java').isFile()
assert new File(gen, 'clientserver/SyncResponse.java').isFile()
assert !new File(gen, 'clientserver/server').exists() : 'no server stubs were asked for'
// Types the client-server API shares with others live in their own packages; their endpoints are not generated.
assert new File(gen, 'serverserver/ServerKeys.java').isFile()
assert !new File(gen, 'serverserver/endpoints').exists() : 'only the client-server API was asked for'
assert !new File(gen, 'serverserver/client').exists() : 'only the client-server API was asked for'
assert new File(basedir, 'target/classes/org/example/matrix/v1_7/clientserver/client/ClientServerClient.class').isFile()
return true
