package dev.scaleup.it;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StackOrderTest {

    static final class OfNoStack {
    }

    static final class OnScit {
        static final TestStack STACK = TestStack.SCIT;
    }

    static final class OnSecit {
        static final TestStack STACK = TestStack.SECIT;
    }

    static final class OnDrit {
        static final TestStack STACK = TestStack.DRIT;
    }

    @Test
    void classesOfNoStackComeFirstThenEachStackInTheOrderOfAll() {
        assertThat(StackOrder.rank(OfNoStack.class)).isZero();
        assertThat(StackOrder.rank(OnScit.class)).isEqualTo(1);
        assertThat(StackOrder.rank(OnSecit.class)).isEqualTo(2);
        assertThat(StackOrder.rank(OnDrit.class)).isEqualTo(3);
    }
}
