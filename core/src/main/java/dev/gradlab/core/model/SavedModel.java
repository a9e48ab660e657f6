package dev.gradlab.core.model;

import dev.gradlab.core.nn.Sequential;
import java.util.Map;

/** A network read back from a model file: its spec, the file's other metadata and the model. */
public record SavedModel(ModelSpec spec, Map<String, String> info, Sequential model) {}
