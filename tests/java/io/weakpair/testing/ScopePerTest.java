package io.weakpair.testing;

import io.weakpair.tensor.Scope;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Opens a {@link Scope} before each test and closes it after, so every tensor a test creates
 * is freed: {@code @ExtendWith(ScopePerTest.class)}.
 */
public final class ScopePerTest implements BeforeEachCallback, AfterEachCallback {
    private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(ScopePerTest.class);

    @Override
    public void beforeEach(ExtensionContext context) {
        context.getStore(NS).put("scope", Scope.open());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Scope scope = context.getStore(NS).remove("scope", Scope.class);
        if (scope != null) scope.close();
    }
}
