package dev.gradlab.core.model;

import dev.gradlab.core.nn.Sequential;
import java.util.Map;

/** A network read back from a model file: its architecture, the file's other metadata and the model. */
public record SavedModel(Architecture architecture, Map<String, String> info, Sequential model) {
}
