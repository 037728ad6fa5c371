package dev.verge.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verge.error.VergeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class UploadBudgetTest {
    private static final long MIB = 1024 * 1024;

    @Test
    void reserve_pastTheBudget_refusedAs503BusyAfterWaiting() {
        UploadBudget budget = new UploadBudget(8 * MIB, 4 * MIB, Duration.ofMillis(50));
        try (UploadBudget.Reservation a = budget.reserve(4 * MIB); UploadBudget.Reservation b = budget.reserve(-1)) {
            assertThat(budget.reservedBytes()).isEqualTo(8 * MIB);
            assertThatThrownBy(() -> budget.reserve(1)).isInstanceOfSatisfying(VergeException.class, e -> {
                assertThat(e.kind().httpStatus()).isEqualTo(503);
                assertThat(e.code()).isEqualTo("busy");
            });
        }
        assertThat(budget.reservedBytes()).isZero();
    }

    @Test
    void reserve_whenRoomIsGivenBackWhileWaiting_proceeds() throws Exception {
        UploadBudget budget = new UploadBudget(4 * MIB, 4 * MIB, Duration.ofSeconds(5));
        UploadBudget.Reservation first = budget.reserve(-1);
        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
            try (UploadBudget.Reservation r = budget.reserve(3 * MIB)) {
                return budget.reservedBytes();
            }
        });
        Thread.sleep(100); // the second request is waiting for room
        assertThat(second).isNotDone();
        first.close();
        assertThat(second.get(5, TimeUnit.SECONDS)).isEqualTo(3 * MIB);
    }

    @Test
    void reserve_declaredLengthOverTheLargestUpload_reservesOnlyTheLargest() {
        UploadBudget budget = new UploadBudget(8 * MIB, 4 * MIB, Duration.ofMillis(10));
        try (UploadBudget.Reservation r = budget.reserve(100 * MIB)) {
            assertThat(budget.reservedBytes()).isEqualTo(4 * MIB);
        }
    }

    @Test
    void new_budgetSmallerThanOneUpload_refused() {
        assertThatThrownBy(() -> new UploadBudget(MIB, 4 * MIB, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one upload");
    }
}
