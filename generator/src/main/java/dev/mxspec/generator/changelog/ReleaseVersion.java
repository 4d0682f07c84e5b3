package dev.mxspec.generator.changelog;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A spec release number such as {@code v1.7}, ordered numerically ({@code v1.10} after {@code v1.9}). */
record ReleaseVersion(int major, int minor) implements Comparable<ReleaseVersion> {

    private static final Pattern FORMAT = Pattern.compile("v(\\d+)\\.(\\d+)");

    static ReleaseVersion parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a spec release: '" + text + "' (expected e.g. v1.7)");
        }
        return new ReleaseVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    /** Whether a file name is that of a release changelog, such as {@code v1.7.md}. */
    static boolean isChangelogFile(String fileName) {
        return fileName.endsWith(".md") && FORMAT.matcher(fileName.substring(0, fileName.length() - 3)).matches();
    }

    /**
     * Every release after this one up to {@code last}, in order. Within a major version the minors are consecutive;
     * where the range crosses a major version, {@code lastMinor} (the highest minor present per major) says where the
     * earlier major ends. A later major starts at minor 0.
     */
    List<ReleaseVersion> after(ReleaseVersion last, Map<Integer, Integer> lastMinor) {
        if (compareTo(last) > 0) {
            throw new IllegalArgumentException(this + " is later than " + last);
        }
        List<ReleaseVersion> releases = new ArrayList<>();
        for (int m = major; m <= last.major; m++) {
            int first = m == major ? minor + 1 : 0;
            int end = m == last.major ? last.minor : lastMinor.getOrDefault(m, first - 1);
            for (int n = first; n <= end; n++) {
                releases.add(new ReleaseVersion(m, n));
            }
        }
        return releases;
    }

    @Override
    public int compareTo(ReleaseVersion other) {
        int byMajor = Integer.compare(major, other.major);
        return byMajor != 0 ? byMajor : Integer.compare(minor, other.minor);
    }

    @Override
    public String toString() {
        return "v" + major + "." + minor;
    }
}
