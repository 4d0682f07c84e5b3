package dev.mxspec.generator.diff;

/** What a change does to code written against the older release. */
public enum Impact {
    /** Old code keeps working. */
    COMPATIBLE,
    /** Old code breaks or no longer conforms. */
    BREAKING
}
