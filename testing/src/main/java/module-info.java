/**
 * For a user's tests: jqwik arbitraries of shapes, tensors and inputs kept away from kinks, and
 * gradient assertions for a user's {@link dev.gradlab.core.Function}, expression or model.
 */
module dev.gradlab.testing {
    requires transitive dev.gradlab.core;
    requires transitive net.jqwik.api;

    exports dev.gradlab.testing;
}
