package io.github.factorytwin.evaluation.cmapss;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ErrorBreakdownTest {

    @Test
    void groupsByTrueRemainingLifeWithBoundsInclusive() {
        double[] truth = {10, 25, 26, 200};
        double[] predicted = {13, 21, 26, 120};
        List<ErrorBreakdown.Group> groups = ErrorBreakdown.byTrueRul(predicted, truth);

        assertEquals(3, groups.size(), groups.toString()); // empty groups are left out
        assertEquals(new ErrorBreakdown.Group("<=25", 2, Math.sqrt((9 + 16) / 2.0), (3 - 4) / 2.0), groups.get(0));
        assertEquals(new ErrorBreakdown.Group("26-50", 1, 0, 0), groups.get(1));
        assertEquals(new ErrorBreakdown.Group(">150", 1, 80, -80), groups.get(2));
    }

    @Test
    void groupsByHistoryLengthWithLowerBoundsInclusive() {
        double[] truth = {50, 50, 50};
        double[] predicted = {60, 40, 50};
        List<ErrorBreakdown.Group> groups = ErrorBreakdown.byHistory(predicted, truth, new int[] {49, 50, 250});

        assertEquals(
                List.of("<50", "50-99", ">=200"),
                groups.stream().map(ErrorBreakdown.Group::label).toList());
        assertEquals(10, groups.get(0).bias(), 1e-12);
        assertEquals(-10, groups.get(1).bias(), 1e-12);
        assertEquals("<50: 1, RMSE 10.0, bias +10.0", ErrorBreakdown.format(groups.subList(0, 1)));
    }
}
