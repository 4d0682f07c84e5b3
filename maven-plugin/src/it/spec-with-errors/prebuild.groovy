// Release v1.16 as published (../shared/matrix-spec) with one broken file added to its
// client-server API (fixtures/broken.yaml): the build must fail, naming that file and its lines.
def release = new File(specDir, 'v1.16/data').toPath()
assert java.nio.file.Files.isDirectory(release) : "no release v1.16 under ${specDir}"
def data = new File(basedir, 'spec/v1.16/data').toPath()
java.nio.file.Files.walk(release).each { source ->
    def target = data.resolve(release.relativize(source).toString())
    if (java.nio.file.Files.isDirectory(source)) {
        java.nio.file.Files.createDirectories(target)
    } else {
        java.nio.file.Files.copy(source, target)
    }
}
java.nio.file.Files.copy(new File(basedir, 'fixtures/broken.yaml').toPath(), data.resolve('api/client-server/broken.yaml'))
return true
