package dev.concourse.testkit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks test classes that are fixtures of {@link PipelineTestExtensionTest}, some failing on
 * purpose: they run only when that test runs them through EngineTestKit (which sets
 * {@value #PARAMETER}), not when Surefire finds them (as with {@code -Dtest=dev.concourse.testkit.**}).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(OnlyThroughEngineTestKit.Condition.class)
@interface OnlyThroughEngineTestKit {
    String PARAMETER = "dev.concourse.testkit.fixtures";

    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(PARAMETER).map(Boolean::parseBoolean).orElse(false)
                    ? ConditionEvaluationResult.enabled("run by EngineTestKit")
                    : ConditionEvaluationResult.disabled("a fixture of PipelineTestExtensionTest");
        }
    }
}
