package dev.mxspec.homeserver.hostile;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The cases of a hostile suite and their outcomes, checked against an explicit list of expected
 * failures (known defects, each with its reason) both ways: a failing case that no entry names fails
 * the suite, and so does an entry that no failing case matches any more (it is stale: remove it).
 */
final class Tally {

    /** A known defect: the cases it covers ({@code *} matches any text) and why they fail. */
    record Expected(String cases, String reason) {

        boolean matches(String caseId) {
            return glob(cases).matcher(caseId).matches();
        }

        private static Pattern glob(String cases) {
            StringBuilder regex = new StringBuilder();
            for (String part : cases.split("\\*", -1)) {
                if (!regex.isEmpty()) {
                    regex.append(".*");
                }
                regex.append(Pattern.quote(part));
            }
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        }
    }

    private final Map<String, String> failures = new LinkedHashMap<>();
    private int cases;

    /** Records one case: {@code problem} is null when it passed. */
    void record(String caseId, String problem) {
        cases++;
        if (problem != null) {
            failures.merge(caseId, problem, (a, b) -> a + "; " + b);
        }
    }

    int cases() {
        return cases;
    }

    int failures() {
        return failures.size();
    }

    /** What is wrong against {@code expected}: unexpected failures and stale entries; empty when it fits. */
    List<String> against(List<Expected> expected) {
        List<String> problems = new ArrayList<>();
        failures.forEach((id, problem) -> {
            if (expected.stream().noneMatch(e -> e.matches(id))) {
                problems.add("unexpected failure: " + id + ": " + problem);
            }
        });
        for (Expected e : expected) {
            if (failures.keySet().stream().noneMatch(e::matches)) {
                problems.add("stale expected failure (the case passes now; remove the entry): " + e.cases() + " (" + e.reason() + ")");
            }
        }
        return problems;
    }

    /** How many failures the expected-failure entries account for. */
    int expectedFailures(List<Expected> expected) {
        return (int) failures.keySet().stream().filter(id -> expected.stream().anyMatch(e -> e.matches(id))).count();
    }
}
