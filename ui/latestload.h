// SPDX-License-Identifier: MIT
#pragma once

#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <functional>
#include <memory>
#include <utility>

namespace runlens::ui {

// The latest of a view's background loads. start() runs the work on the global thread pool and hands its result to
// the view on the GUI thread. A newer start() (another selection) or cancel() supersedes a load still running: its
// result is dropped, never applied, and its work is told to stop early through the flag it gets. The work only
// gets copies (a cache path, run ids) and never the view, so a view closed mid-load leaves nothing dangling: going
// with its view cancels the load, and the application waits for the pool's threads when it quits.
template <typename T> class LatestLoad {
public:
    using Work = std::function<T(const std::atomic_bool& cancelled)>;
    using Apply = std::function<void(T)>;

    // Results are delivered in the owner's thread; the owner outlives this object (it is one of its members).
    explicit LatestLoad(QObject* owner) : m_owner(owner) {}
    ~LatestLoad() { cancel(); }
    LatestLoad(const LatestLoad&) = delete;
    LatestLoad& operator=(const LatestLoad&) = delete;

    void start(Work work, Apply apply) {
        cancel();
        auto cancelled = std::make_shared<std::atomic_bool>(false);
        m_state->cancelled = cancelled;
        m_state->running = true;
        auto* watcher = new QFutureWatcher<T>(m_owner);
        // The watcher is the owner's child, and the state is shared: a load finishing after the owner (or this
        // object) is gone reaches no one.
        QObject::connect(watcher, &QFutureWatcherBase::finished, watcher,
                         [state = m_state, watcher, generation = m_state->generation, apply = std::move(apply)] {
                             watcher->deleteLater();
                             if (generation != state->generation) {
                                 ++state->dropped;  // superseded: a newer load (or none) owns the view
                                 return;
                             }
                             state->running = false;
                             state->cancelled.reset();
                             apply(watcher->result());
                         });
        watcher->setFuture(QtConcurrent::run([work = std::move(work), cancelled] { return work(*cancelled); }));
    }

    // Drops the running load's result and asks its work to stop.
    void cancel() {
        ++m_state->generation;
        m_state->running = false;
        if (m_state->cancelled)
            *m_state->cancelled = true;
        m_state->cancelled.reset();
    }

    bool isRunning() const { return m_state->running; }
    // How many finished loads were dropped because a newer one had started (for tests).
    int droppedResults() const { return m_state->dropped; }

private:
    struct State {
        int generation = 0;
        int dropped = 0;
        bool running = false;
        std::shared_ptr<std::atomic_bool> cancelled;  // the running load's stop flag
    };
    QObject* m_owner;
    std::shared_ptr<State> m_state = std::make_shared<State>();
};

}  // namespace runlens::ui
