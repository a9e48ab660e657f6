package dev.gradlab.optim;

import java.util.List;
import java.util.Map;

/**
 * What {@link Optimizer#stateDict()} exports, shaped as PyTorch's {@code state_dict()}: the groups'
 * hyperparameters with the indices of their parameters, and the state of each parameter that has
 * stepped, keyed by its index in {@link Optimizer#parameters()}.
 */
public record StateDict(List<Group> paramGroups, Map<Integer, State> state) {

    public StateDict {
        paramGroups = List.copyOf(paramGroups);
        state = Map.copyOf(state);
    }

    /** One parameter group: its parameters' indices and its hyperparameters by PyTorch's names. */
    public record Group(List<Integer> params, Map<String, Double> settings) {
        public Group {
            params = List.copyOf(params);
            settings = Map.copyOf(settings);
        }
    }

    /** One parameter's state: its step count and its buffers by name. */
    public record State(long step, Map<String, float[]> buffers) {
        public State {
            buffers = Map.copyOf(buffers);
        }
    }
}
