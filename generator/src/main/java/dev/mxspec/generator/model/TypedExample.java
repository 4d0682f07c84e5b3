package dev.mxspec.generator.model;

/**
 * An example of a shared schema that is not one event type (the core event shapes, stripped room
 * state lists in {@code event-schemas/examples}).
 *
 * @param type the type the example shows
 * @param example the example
 */
public record TypedExample(TypeRef type, Example example) {}
