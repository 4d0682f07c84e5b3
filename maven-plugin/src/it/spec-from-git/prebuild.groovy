// A matrix-spec-like git repository: release v0.1 is a tag; the working tree then moves on (the
// data folder is deleted), so the build can only succeed by reading the tag straight from git.
def repo = new File(basedir, 'spec-repo')
repo.mkdirs()
def run = { List<String> cmd ->
    def p = new ProcessBuilder(cmd).directory(repo).redirectErrorStream(true).start()
    def out = p.inputStream.text
    assert p.waitFor() == 0 : "${cmd}: ${out}"
}
def template = new File(basedir, 'release-template').toPath()
java.nio.file.Files.walk(template).each { source ->
    def target = repo.toPath().resolve(template.relativize(source).toString())
    if (java.nio.file.Files.isDirectory(source)) {
        java.nio.file.Files.createDirectories(target)
    } else {
        java.nio.file.Files.copy(source, target)
    }
}
run(['git', 'init', '-q'])
run(['git', 'add', '.'])
run(['git', '-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'commit.gpgsign=false', 'commit', '-q', '-m', 'v0.1'])
run(['git', '-c', 'tag.gpgsign=false', 'tag', 'v0.1'])
new File(repo, 'data').deleteDir()
return true
