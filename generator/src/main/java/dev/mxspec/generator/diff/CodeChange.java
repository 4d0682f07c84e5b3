package dev.mxspec.generator.diff;

/**
 * A change to the generated Java between two releases, as a team upgrading its bindings sees it.
 *
 * @param kind added, removed or changed
 * @param className the class, relative to the release package ({@code clientserver.SyncResponse})
 * @param member the record component, constant or method; empty for the class itself
 * @param before the old signature (type), empty when added
 * @param after the new signature, empty when removed
 */
public record CodeChange(Kind kind, String className, String member, String before, String after) {

    /** What happened to a class or member. */
    public enum Kind { ADDED, REMOVED, CHANGED }

    /**
     * Whether code using the older bindings may stop compiling: removals and changes, and methods
     * added to a handler interface (implementations must add them).
     */
    public boolean breaking() {
        return kind != Kind.ADDED || (!member.isEmpty() && className.contains(".server.") && className.endsWith("Handler"));
    }
}
