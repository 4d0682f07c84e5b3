def gen = new File(basedir, 'target/generated-sources/mxspec/org/example/git/v1_7/clientserver')
assert new File(gen, 'endpoints/GetJoinedRooms.java').isFile() : 'an endpoint of the tagged release'
assert new File(gen, 'GetJoinedRoomsResponse.java').isFile()
assert new File(basedir, 'target/classes/org/example/git/v1_7/clientserver/endpoints/GetJoinedRooms.class').isFile() : 'it compiles'
assert !new File(basedir, 'spec-repo/data').exists() : 'nothing was checked out'
return true
