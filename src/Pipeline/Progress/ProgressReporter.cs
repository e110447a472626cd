namespace Pipeline;

/// <summary>
/// One request's progress: counts the bytes its bodies move, throttles the reports (<see cref="ProgressRules"/>) and makes
/// them one at a time, in order, even when an upload and a download overlap (HTTP/2 is full duplex).
/// </summary>
/// <remarks>The user's <see cref="IProgress{T}.Report"/> runs under the lock, on the thread that moved the bytes.</remarks>
internal sealed class ProgressReporter(IProgress<TransferProgress> progress, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _gate = new();
    private Side _upload;
    private Side _download;

    public void StartUpload(long? total)
    {
        lock (_gate)
        {
            _upload = Side.Start(total, _time.GetTimestamp());
            Report(TransferDirection.Upload, completed: false);
        }
    }

    public void Sent(int count)
    {
        lock (_gate)
        {
            if (_upload.Move(count, _time, completesAtTotal: false))
            {
                Report(TransferDirection.Upload, completed: false);
            }
        }
    }

    public void CompleteUpload()
    {
        lock (_gate)
        {
            if (_upload.Complete())
            {
                Report(TransferDirection.Upload, completed: true);
            }
        }
    }

    public void StartDownload(long? total)
    {
        lock (_gate)
        {
            _download = Side.Start(total, _time.GetTimestamp());
            Report(TransferDirection.Download, completed: false);
        }
    }

    /// <summary>Counts received bytes; reaching the declared length completes the download, as a buffered read stops there.</summary>
    public void Received(int count)
    {
        lock (_gate)
        {
            if (_download.Move(count, _time, completesAtTotal: true))
            {
                Report(TransferDirection.Download, _download.Completed);
            }
        }
    }

    public void CompleteDownload()
    {
        lock (_gate)
        {
            if (_download.Complete())
            {
                Report(TransferDirection.Download, completed: true);
            }
        }
    }

    private void Report(TransferDirection direction, bool completed) => progress.Report(new TransferProgress
    {
        Direction = direction,
        BytesSent = _upload.Bytes,
        TotalBytesToSend = _upload.Total,
        BytesReceived = _download.Bytes,
        TotalBytesToReceive = _download.Total,
        Completed = completed,
    });

    /// <summary>The count of one body and when it was last reported.</summary>
    private struct Side
    {
        private long _reportedBytes;
        private long _reportedAt;
        public bool Completed { get; private set; }

        public long Bytes { get; private set; }

        public long? Total { get; private set; }

        public static Side Start(long? total, long now) => new() { Total = total, _reportedAt = now };

        /// <summary>Counts the bytes; true when a report is due, the last one when <paramref name="completesAtTotal"/> and the total is reached.</summary>
        public bool Move(int count, TimeProvider time, bool completesAtTotal)
        {
            if (Completed)
            {
                return false;
            }

            Bytes += count;
            if (completesAtTotal && Total is { } total && Bytes >= total)
            {
                return Complete();
            }

            var now = time.GetTimestamp();
            if (!ProgressRules.IsDue(Bytes - _reportedBytes, time.GetElapsedTime(_reportedAt, now)))
            {
                return false;
            }

            _reportedBytes = Bytes;
            _reportedAt = now;
            return true;
        }

        /// <summary>Marks the body complete, its total the bytes moved; true the first time only.</summary>
        public bool Complete()
        {
            if (Completed)
            {
                return false;
            }

            Completed = true;
            Total = Bytes;
            return true;
        }
    }
}
