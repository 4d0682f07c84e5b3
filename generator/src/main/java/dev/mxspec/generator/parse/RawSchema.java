package dev.mxspec.generator.parse;

import dev.mxspec.generator.model.SourceRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A JSON schema with every {@code $ref} followed and every {@code allOf} merged: the reader's
 * working form between YAML and the model. Instances are never changed once built; merging makes a
 * new one.
 */
final class RawSchema {

    SourceRef source;
    /** The file this schema is the whole of, when it was reached through a {@code $ref} to a file. */
    String definitionFile;
    String title;
    String description;
    List<String> types = List.of();
    String format;
    Map<String, RawSchema> properties = new LinkedHashMap<>();
    Set<String> required = new LinkedHashSet<>();
    RawSchema items;
    /** {@code items} written as a list: a tuple. */
    List<RawSchema> tupleItems = List.of();
    RawSchema additionalProperties;
    boolean additionalPropertiesAllowed;
    Map<String, RawSchema> patternProperties = new LinkedHashMap<>();
    String keyName;
    List<RawSchema> oneOf = List.of();
    List<String> enumValues = List.of();
    YamlNode example;
    YamlNode defaultValue;
    String addedIn;
    Map<String, String> changedIn = new TreeMap<>();
    boolean deprecated;

    RawSchema(SourceRef source) {
        this.source = source;
    }

    boolean isObjectLike() {
        return types.contains("object") || (types.isEmpty() && (!properties.isEmpty() || additionalProperties != null
                || !patternProperties.isEmpty()));
    }

    /** {@code over} laid on {@code base}: what {@code over} says wins, properties merge one by one. */
    static RawSchema merge(RawSchema base, RawSchema over) {
        RawSchema m = new RawSchema(over.source);
        m.title = over.title != null ? over.title : base.title;
        m.description = over.description != null ? over.description : base.description;
        m.types = !over.types.isEmpty() ? over.types : base.types;
        m.format = over.format != null ? over.format : base.format;
        m.properties = new LinkedHashMap<>(base.properties);
        over.properties.forEach((name, schema) -> m.properties.merge(name, schema, RawSchema::merge));
        m.required = new LinkedHashSet<>(base.required);
        m.required.addAll(over.required);
        m.items = base.items == null ? over.items : over.items == null ? base.items : merge(base.items, over.items);
        m.tupleItems = !over.tupleItems.isEmpty() ? over.tupleItems : base.tupleItems;
        m.additionalProperties = base.additionalProperties == null
                ? over.additionalProperties
                : over.additionalProperties == null ? base.additionalProperties : merge(base.additionalProperties, over.additionalProperties);
        m.additionalPropertiesAllowed = base.additionalPropertiesAllowed || over.additionalPropertiesAllowed;
        m.patternProperties = new LinkedHashMap<>(base.patternProperties);
        over.patternProperties.forEach((name, schema) -> m.patternProperties.merge(name, schema, RawSchema::merge));
        m.keyName = over.keyName != null ? over.keyName : base.keyName;
        m.oneOf = !over.oneOf.isEmpty() ? over.oneOf : base.oneOf;
        m.enumValues = !over.enumValues.isEmpty() ? over.enumValues : base.enumValues;
        m.example = over.example != null ? over.example : base.example;
        m.defaultValue = over.defaultValue != null ? over.defaultValue : base.defaultValue;
        m.addedIn = over.addedIn != null ? over.addedIn : base.addedIn;
        m.changedIn = new TreeMap<>(base.changedIn);
        m.changedIn.putAll(over.changedIn);
        m.deprecated = base.deprecated || over.deprecated;
        return m;
    }

    RawSchema copy() {
        RawSchema c = merge(new RawSchema(source), this);
        c.definitionFile = definitionFile;
        return c;
    }

    static List<RawSchema> listOf(List<RawSchema> schemas) {
        return new ArrayList<>(schemas);
    }
}
