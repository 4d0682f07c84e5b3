package dev.mxspec.generator.model;

/**
 * An example value shipped with the spec, as canonical JSON text (sorted keys, no spaces), with
 * {@code $ref}s inside examples already resolved.
 *
 * @param json the example as canonical JSON
 * @param source where the example is written
 */
public record Example(String json, SourceRef source) {}
