// SPDX-License-Identifier: MIT
// The run browser's grouping on 10,000 runs: what a re-grouping, a sort and a filter keystroke cost with the tree
// proxy on top of the filter proxy, next to the flat table (no grouping), whose cost the tree must not change.
#include "itemmodels/runfilterproxymodel.h"
#include "itemmodels/rungroupproxymodel.h"
#include "itemmodels/runtablemodel.h"

#include <benchmark/benchmark.h>

#include <QCoreApplication>

#include <cstdio>
#include <set>
#include <string>

using namespace runlens;

namespace {

constexpr int runCount = 10'000;

// Like the launch benchmark's workspace: 4 sources of 5 experiments, runs spread over them.
std::vector<RunRow> manyRuns(int experimentsPerSource) {
    std::vector<RunRow> runs(runCount);
    for (int i = 0; i < runCount; ++i) {
        RunRow& r = runs[static_cast<std::size_t>(i)];
        const int source = i % 4;
        r.id = i + 1;
        r.run.name = "run-" + std::to_string((i * 7919) % runCount);
        r.run.externalId = std::to_string(1'000'000 + i);
        r.run.status = "FINISHED";
        r.run.startMs = 1'700'000'000'000LL + (static_cast<std::int64_t>(i) * 104'729) % 86'400'000;
        r.sourcePath = "/bench/source" + std::to_string(source) + "/mlruns";
        r.experimentName = "sweep-" + std::to_string(source) + "-" + std::to_string((i / 4) % experimentsPerSource);
    }
    return runs;
}

struct Browser {
    RunTableModel table;
    RunFilterProxyModel filter;
    RunGroupProxyModel groups;
    explicit Browser(int experimentsPerSource) {
        table.setRuns(manyRuns(experimentsPerSource));
        filter.setSourceModel(&table);
        groups.setSourceModel(&filter);
        groups.sort(RunTableModel::StartColumn, Qt::DescendingOrder);
    }
};

RunGrouping groupingOf(const benchmark::State& state) {
    return static_cast<RunGrouping>(state.range(0));
}

// Re-grouping: one rebuild of the mapping (the filter proxy is untouched).
void regroup(benchmark::State& state) {
    Browser browser(static_cast<int>(state.range(1)));
    for (auto _ : state) {
        browser.groups.setGrouping(RunGrouping::none);
        browser.groups.setGrouping(groupingOf(state));
    }
    state.SetItemsProcessed(state.iterations() * runCount);
}

// A click on a column header: the filter proxy sorts 10,000 rows, then the tree regroups them.
void sortByName(benchmark::State& state) {
    Browser browser(static_cast<int>(state.range(1)));
    browser.groups.setGrouping(groupingOf(state));
    bool ascending = true;
    for (auto _ : state) {
        browser.groups.sort(RunTableModel::NameColumn, ascending ? Qt::AscendingOrder : Qt::DescendingOrder);
        ascending = !ascending;
    }
    state.SetItemsProcessed(state.iterations() * runCount);
}

// A keystroke in the filter box: the filter runs over every run, the survivors are sorted and regrouped.
void filterKeystroke(benchmark::State& state) {
    Browser browser(static_cast<int>(state.range(1)));
    browser.groups.setGrouping(groupingOf(state));
    bool narrow = true;
    for (auto _ : state) {
        if (browser.filter.setFilterText(narrow ? QStringLiteral("run-1") : QString()))
            state.SkipWithError("filter rejected");
        narrow = !narrow;
    }
    state.SetItemsProcessed(state.iterations() * runCount);
}

void trees(benchmark::internal::Benchmark* b) {
    b->ArgNames({"grouping", "experiments_per_source"});
    b->Args({static_cast<int>(RunGrouping::experiment), 5});
    b->Args({static_cast<int>(RunGrouping::sourceAndExperiment), 5});
    // Many small groups: 10,000 runs in 2,000 experiments.
    b->Args({static_cast<int>(RunGrouping::sourceAndExperiment), 500});
    b->Unit(benchmark::kMillisecond);
}

// The same and the flat table, which the tree must leave as it was.
void groupings(benchmark::internal::Benchmark* b) {
    b->Args({static_cast<int>(RunGrouping::none), 5});
    trees(b);
}

// Walks the tree: every run the filter shows appears once, runs of one group are in the sorted column's order, and
// each group's count matches its runs. Returns what is wrong, or an empty string.
std::string checkTree(const RunGroupProxyModel& tree, const QModelIndex& parent, std::set<qint64>& seen) {
    QString previousName;
    int runsHere = 0;
    for (int row = 0; row < tree.rowCount(parent); ++row) {
        const QModelIndex index = tree.index(row, RunTableModel::NameColumn, parent);
        if (tree.isGroup(index)) {
            const std::size_t before = seen.size();
            if (auto problem = checkTree(tree, index, seen); !problem.empty())
                return problem;
            const int shown = index.data(RunGroupProxyModel::ShownRunCountRole).toInt();
            if (static_cast<std::size_t>(shown) != seen.size() - before)
                return "group '" + index.data().toString().toStdString() + "' says " + std::to_string(shown) +
                       " runs but holds " + std::to_string(seen.size() - before);
            continue;
        }
        ++runsHere;
        if (!seen.insert(index.data(RunTableModel::CacheIdRole).toLongLong()).second)
            return "run '" + index.data().toString().toStdString() + "' appears twice";
        const QString name = index.data(RunTableModel::SortRole).toString();
        if (runsHere > 1 && name < previousName)
            return "run '" + name.toStdString() + "' is sorted after '" + previousName.toStdString() + "'";
        previousName = name;
    }
    return {};
}

// What the timings measured must be right: each grouping, sorted by name and filtered, holds exactly the runs the
// filter lets through, in order within each group.
bool treesAreRight() {
    for (const auto& [grouping, experiments] : {std::pair{RunGrouping::none, 5},
                                                {RunGrouping::experiment, 5},
                                                {RunGrouping::sourceAndExperiment, 5},
                                                {RunGrouping::sourceAndExperiment, 500}}) {
        for (const QString& filter : {QString(), QStringLiteral("run-1")}) {
            Browser browser(experiments);
            browser.groups.setGrouping(grouping);
            browser.groups.sort(RunTableModel::NameColumn, Qt::AscendingOrder);
            if (auto error = browser.filter.setFilterText(filter)) {
                std::fprintf(stderr, "bench_runtree: filter rejected\n");
                return false;
            }
            std::set<qint64> seen;
            std::string problem = checkTree(browser.groups, {}, seen);
            const auto expected = static_cast<std::size_t>(browser.filter.rowCount());
            if (problem.empty() && seen.size() != expected)
                problem = "the tree holds " + std::to_string(seen.size()) + " runs, the filter shows " +
                          std::to_string(expected);
            if (problem.empty() && filter.isEmpty() && expected != static_cast<std::size_t>(runCount))
                problem = "the unfiltered tree lost runs";
            if (!problem.empty()) {
                std::fprintf(stderr, "bench_runtree: grouping %d, filter '%s': %s\n", static_cast<int>(grouping),
                             qPrintable(filter), problem.c_str());
                return false;
            }
        }
    }
    return true;
}

}  // namespace

BENCHMARK(regroup)->Apply(trees);
BENCHMARK(sortByName)->Apply(groupings);
BENCHMARK(filterKeystroke)->Apply(groupings);

int main(int argc, char** argv) {
    QCoreApplication app(argc, argv);
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return treesAreRight() ? 0 : 1;
}
