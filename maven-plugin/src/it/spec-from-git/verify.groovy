def gen = new File(basedir, 'target/generated-sources/mxspec/org/example/git/v0_1/clientserver')
assert new File(gen, 'endpoints/GetRoomName.java').isFile() : 'the endpoint of the tagged release'
assert new File(gen, 'RoomName.java').isFile()
assert new File(basedir, 'target/classes/org/example/git/v0_1/clientserver/endpoints/GetRoomName.class').isFile() : 'it compiles'
assert !new File(basedir, 'spec-repo/data').exists() : 'nothing was checked out'
return true
