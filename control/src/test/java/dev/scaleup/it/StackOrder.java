package dev.scaleup.it;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Comparator;
import org.junit.jupiter.api.ClassDescriptor;
import org.junit.jupiter.api.ClassOrderer;
import org.junit.jupiter.api.ClassOrdererContext;

/**
 * Runs the test classes of one {@link TestStack} one after the other, the stacks in the order of
 * {@link TestStack#ALL}, so that each stack is brought up once and only one is up at a time; classes of no stack come
 * first, and classes of one stack by name. failsafe uses it ({@code junit.jupiter.testclass.order.default} in
 * control/pom.xml).
 */
public final class StackOrder implements ClassOrderer {

    @Override
    public void orderClasses(ClassOrdererContext context) {
        context.getClassDescriptors().sort(Comparator.comparingInt((ClassDescriptor d) -> rank(d.getTestClass()))
                .thenComparing(d -> d.getTestClass().getName()));
    }

    /** 0 for a class of no stack, else 1 + the index of its stack (its static {@link TestStack} field) in ALL. */
    static int rank(Class<?> testClass) {
        for (Field field : testClass.getDeclaredFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getType() == TestStack.class) {
                try {
                    field.setAccessible(true);
                    return 1 + TestStack.ALL.indexOf((TestStack) field.get(null));
                } catch (IllegalAccessException e) {
                    throw new IllegalStateException(e);
                }
            }
        }
        return 0;
    }
}
