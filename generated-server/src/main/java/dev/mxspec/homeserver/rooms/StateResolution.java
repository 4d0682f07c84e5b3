package dev.mxspec.homeserver.rooms;

/** The state resolution algorithm of a room version; {@link StateResolver} runs it. */
public enum StateResolution {

    /** Version 1: resolves power levels, join rules and members in passes by depth; known to reset state. */
    V1,

    /** Versions 2 and later: the reverse topological power ordering and mainline ordering. */
    V2
}
