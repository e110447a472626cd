namespace Pipeline;

public partial class Session
{
    private HarRecorder[]? _harRecorders;

    /// <summary>Records every request this session puts on the wire to a HAR 1.2 file, until the returned object is disposed.</summary>
    /// <param name="path">The file to write; it is replaced when the recording is disposed.</param>
    /// <returns>The recording; disposing it stops recording and writes the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="DirectoryNotFoundException">The file's directory does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    /// <remarks>See <see cref="RecordHar(string, HarRecordingOptions)"/>; credentials are redacted and bodies kept up to 1 MiB.</remarks>
    public IAsyncDisposable RecordHar(string path) => RecordHar(path, new HarRecordingOptions());

    /// <summary>Records every request this session puts on the wire to a HAR 1.2 file, until the returned object is disposed.</summary>
    /// <param name="path">The file to write; it is replaced when the recording is disposed.</param>
    /// <param name="options">What is recorded and redacted; copied when the recording starts.</param>
    /// <returns>The recording; disposing it stops recording and writes the file.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="DirectoryNotFoundException">The file's directory does not exist.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    /// <remarks>
    /// <para>
    /// Every hop is an entry: each redirect, each 401 an auth scheme answered, each retry attempt, each OAuth 2.0 token
    /// request, in the order they started, with their timings and bodies (as the caller read them: a streamed body not
    /// read to its end is recorded as far as it was read). Requests started before the recording or after its disposal are
    /// not recorded; one in flight when it is disposed is written as it stands. Concurrent requests are safe.
    /// </para>
    /// <para>
    /// The file is written next to <paramref name="path"/> and moved into place, so a reader never sees half a file.
    /// Replay it with <see cref="HarReplayHandler"/>.
    /// </para>
    /// </remarks>
    public IAsyncDisposable RecordHar(string path, HarRecordingOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath);
        if (directory is not null && !Directory.Exists(directory))
        {
            throw new DirectoryNotFoundException($"Cannot record to '{fullPath}': the directory does not exist.");
        }

        var recorder = new HarRecorder(fullPath, options.Snapshot(), DetachRecorder);
        UpdateRecorders(current => current is null ? [recorder] : [.. current, recorder]);
        return recorder;
    }

    private void DetachRecorder(HarRecorder recorder) =>
        UpdateRecorders(current => current is null || Array.IndexOf(current, recorder) < 0
            ? current
            : current.Length == 1 ? null : Array.FindAll(current, r => !ReferenceEquals(r, recorder)));

    // Copy-on-write: a request reads the array once, without locking.
    private void UpdateRecorders(Func<HarRecorder[]?, HarRecorder[]?> change)
    {
        while (true)
        {
            var current = Volatile.Read(ref _harRecorders);
            if (ReferenceEquals(Interlocked.CompareExchange(ref _harRecorders, change(current), current), current))
            {
                return;
            }
        }
    }
}
