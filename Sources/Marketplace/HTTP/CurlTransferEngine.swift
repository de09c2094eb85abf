import CCurl
import Foundation

/// Runs hops on one `curl_multi` handle driven by a dedicated thread, at most
/// `maxConcurrentTransfers` at a time; the rest wait in FIFO order.
///
/// The multi handle keeps a connection and DNS cache shared by all its transfers,
/// so connections are reused across requests (and multiplexed over HTTP/2 when offered).
final class CurlTransferEngine: @unchecked Sendable {
    /// Counters readable from any thread.
    let stats = LockedState(HTTPTransferStats())

    // Created once and freed by the transfer thread when it stops; it is only used
    // concurrently through curl_multi_wakeup, which libcurl makes thread-safe.
    private let multi: UnsafeMutableRawPointer
    private let settings: CurlTransferSettings
    private let maxConcurrentTransfers: Int
    private let queue = LockedState(SubmissionQueue())

    private struct SubmissionQueue: Sendable {
        var waiting: [QueuedTransfer] = []
        var isShuttingDown = false
    }

    private struct QueuedTransfer: Sendable {
        let request: CurlTransferRequest
        let cancellation: LockedState<Bool>
        let continuation: CheckedContinuation<CurlTransferOutcome, Never>

        var isCancelled: Bool {
            cancellation.withLock { $0 }
        }
    }

    /// A transfer on the multi handle; only the transfer thread sees it.
    private struct RunningTransfer {
        let easy: CurlEasyTransfer
        let queued: QueuedTransfer
    }

    init(settings: CurlTransferSettings, maxConcurrentTransfers: Int) {
        precondition(maxConcurrentTransfers >= 1, "at least one transfer must be allowed to run")
        precondition(curlGlobalInitCode == CURLE_OK, "curl_global_init failed")
        // curl_multi_init only fails when out of memory.
        multi = curl_multi_init()!
        self.settings = settings
        self.maxConcurrentTransfers = maxConcurrentTransfers
        let thread = Thread { [self] in runTransferLoop() }
        thread.name = "compat.http"
        thread.start()
    }

    /// Runs one hop; returns `.cancelled` when the calling task is cancelled.
    func perform(_ request: CurlTransferRequest) async -> CurlTransferOutcome {
        let cancellation = LockedState(false)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let queued = QueuedTransfer(request: request, cancellation: cancellation, continuation: continuation)
                let accepted = queue.withLock { queue in
                    guard !queue.isShuttingDown else { return false }
                    queue.waiting.append(queued)
                    curl_multi_wakeup(multi)
                    return true
                }
                if !accepted {
                    continuation.resume(returning: .cancelled)
                }
            }
        } onCancel: {
            cancellation.withLock { $0 = true }
            wakeTransferThread()
        }
    }

    /// Stops the transfer thread; transfers still queued or running end as `.cancelled`.
    func shutDown() {
        queue.withLock { queue in
            queue.isShuttingDown = true
            // Under the lock: the thread frees the multi handle only after it read the flag.
            curl_multi_wakeup(multi)
        }
    }

    private func wakeTransferThread() {
        queue.withLock { queue in
            // Once shutting down the thread may already have freed the multi handle.
            if !queue.isShuttingDown {
                curl_multi_wakeup(multi)
            }
        }
    }

    private func runTransferLoop() {
        var running: [UnsafeMutableRawPointer: RunningTransfer] = [:]
        while true {
            let freeSlots = maxConcurrentTransfers - running.count
            let (admitted, dropped, isShuttingDown) = queue.withLock { queue in
                // One read of each flag: a transfer cancelled between two reads would be removed
                // without being dropped, and its caller would wait forever.
                // The waiting ones keep their FIFO order.
                var dropped: [QueuedTransfer] = []
                var kept: [QueuedTransfer] = []
                for queued in queue.waiting {
                    if queue.isShuttingDown || queued.isCancelled { dropped.append(queued) } else { kept.append(queued) }
                }
                queue.waiting = kept
                let admitted = Array(queue.waiting.prefix(freeSlots))
                queue.waiting.removeFirst(admitted.count)
                return (admitted, dropped, queue.isShuttingDown)
            }
            for queued in dropped {
                queued.continuation.resume(returning: .cancelled)
            }
            if isShuttingDown {
                for handle in Array(running.keys) {
                    finish(handle, outcome: .cancelled, running: &running)
                }
                break
            }
            for queued in admitted {
                start(queued, running: &running)
            }
            for (handle, transfer) in running where transfer.queued.isCancelled {
                finish(handle, outcome: .cancelled, running: &running)
            }
            var stillRunning: Int32 = 0
            _ = curl_multi_perform(multi, &stillRunning)
            collectFinished(running: &running)
            // Returns on socket activity, on curl_multi_wakeup, or when libcurl's own timers are due.
            _ = curl_multi_poll(multi, nil, 0, 1000, nil)
        }
        curl_multi_cleanup(multi)
    }

    private func start(_ queued: QueuedTransfer, running: inout [UnsafeMutableRawPointer: RunningTransfer]) {
        let easy: CurlEasyTransfer
        do {
            easy = try CurlEasyTransfer(request: queued.request, settings: settings)
        } catch {
            queued.continuation.resume(returning: .failed(error))
            return
        }
        let added = curl_multi_add_handle(multi, easy.handle)
        guard added == CURLM_OK else {
            let reason = "curl_multi_add_handle failed: \(String(cString: curl_multi_strerror(added)))"
            queued.continuation.resume(returning: .failed(CurlTransferFailure(code: CURLE_FAILED_INIT, reason: reason)))
            return
        }
        running[easy.handle] = RunningTransfer(easy: easy, queued: queued)
        stats.withLock { $0.requests += 1 }
    }

    private func collectFinished(running: inout [UnsafeMutableRawPointer: RunningTransfer]) {
        var messagesLeft: Int32 = 0
        while let message = curl_multi_info_read(multi, &messagesLeft) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle,
                  let transfer = running[handle]
            else { continue }
            finish(handle, outcome: transfer.easy.outcome(for: message.pointee.data.result), running: &running)
        }
    }

    private func finish(
        _ handle: UnsafeMutableRawPointer,
        outcome: CurlTransferOutcome,
        running: inout [UnsafeMutableRawPointer: RunningTransfer]
    ) {
        guard let transfer = running.removeValue(forKey: handle) else { return }
        curl_multi_remove_handle(multi, handle)
        let received = transfer.easy.receivedBodyBytes
        // A byte count that came over the wire into memory fits in Int.
        stats.withLock { $0.bytesReceived += Int(received) }
        transfer.queued.continuation.resume(returning: outcome)
    }
}

/// `curl_global_init` must run once per process before other libcurl calls;
/// Swift initialises a global lazily and exactly once, on first use.
private let curlGlobalInitCode = curl_global_init(Int(CURL_GLOBAL_DEFAULT))
