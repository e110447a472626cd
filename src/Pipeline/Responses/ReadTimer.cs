namespace Pipeline;

/// <summary>The read timeout of one body: restarted before each read, so it bounds every wait on the server, not the whole body.</summary>
internal sealed class ReadTimer : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _caller;

    private ReadTimer(TimeSpan timeout, CancellationToken caller)
    {
        Timeout = timeout;
        _caller = caller;
        _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
    }

    public TimeSpan Timeout { get; }

    public CancellationToken Token => _source.Token;

    public bool Fired => _source.IsCancellationRequested && !_caller.IsCancellationRequested;

    public static ReadTimer? Start(TimeSpan? timeout, CancellationToken caller) => timeout is { } value ? new ReadTimer(value, caller) : null;

    public void Restart() => _source.CancelAfter(Timeout);

    public void Dispose() => _source.Dispose();
}
