// A matrix-spec-like git repository built from the published v1.7 release (../shared/matrix-spec):
// its data folder is committed and tagged v1.7; the working tree then moves on (the data folder is
// deleted), so the build can only succeed by reading the tag straight from git.
def release = new File(specDir, 'v1.7/data').toPath()
assert java.nio.file.Files.isDirectory(release) : "no release v1.7 under ${specDir}"
def repo = new File(basedir, 'spec-repo')
repo.mkdirs()
def run = { List<String> cmd ->
    def p = new ProcessBuilder(cmd).directory(repo).redirectErrorStream(true).start()
    def out = p.inputStream.text
    assert p.waitFor() == 0 : "${cmd}: ${out}"
}
def data = repo.toPath().resolve('data')
java.nio.file.Files.walk(release).each { source ->
    def target = data.resolve(release.relativize(source).toString())
    if (java.nio.file.Files.isDirectory(source)) {
        java.nio.file.Files.createDirectories(target)
    } else {
        java.nio.file.Files.copy(source, target)
    }
}
run(['git', 'init', '-q'])
run(['git', 'add', '.'])
run(['git', '-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'v1.7'])
run(['git', '-c', 'tag.gpgsign=false', 'tag', 'v1.7'])
data.toFile().deleteDir()
return true
