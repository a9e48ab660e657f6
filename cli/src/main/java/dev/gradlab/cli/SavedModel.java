package dev.gradlab.cli;

import dev.gradlab.core.nn.Sequential;
import java.util.Map;

/** A network read back from a weights file: its architecture, the header's other entries and the model. */
record SavedModel(Architecture architecture, Map<String, String> info, Sequential model) {
}
