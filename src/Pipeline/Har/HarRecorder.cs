namespace Pipeline;

/// <summary>
/// A HAR recording of one session: every hop the session's requests put on the wire while it runs, written to a file when
/// it is disposed. The AdapterRouter hands each hop to the recorders of the request's context, so the stages keep no
/// state and concurrent requests each fill their own exchange.
/// </summary>
internal sealed class HarRecorder : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly List<HarExchange> _exchanges = [];
    private readonly string _path;
    private readonly Action<HarRecorder> _detach;
    private Task? _disposal;

    public HarRecorder(string path, HarRecordingOptions options, Action<HarRecorder> detach)
    {
        _path = path;
        Options = options;
        _detach = detach;
    }

    public HarRecordingOptions Options { get; }

    /// <summary>Sends one hop through <paramref name="adapter"/> and records it in every recorder still running.</summary>
    public static async Task<HttpResponseMessage> SendAsync(HarRecorder[] recorders, HttpRequestMessage request, HttpMessageInvoker adapter, CancellationToken cancellationToken)
    {
        var cap = 0;
        foreach (var recorder in recorders)
        {
            cap = Math.Max(cap, recorder.Options.MaxBodySize);
        }

        var exchange = new HarExchange(request, cap, DateTimeOffset.UtcNow);
        var recorded = false;
        foreach (var recorder in recorders)
        {
            recorded |= recorder.TryAdd(exchange);
        }

        if (!recorded)
        {
            return await adapter.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var original = request.Content;
        try
        {
            if (original is ByteArrayContent)
            {
                // Bytes in memory are copied out before sending, so the entry has its body even when the send fails.
                await original.CopyToAsync(new HarTeeStream(Stream.Null, exchange), cancellationToken).ConfigureAwait(false);
                exchange.OnRequestBodyEnd();
            }
            else if (original is not null)
            {
                request.Content = new HarRequestContent(original, exchange);
            }

            var response = await adapter.SendAsync(request, cancellationToken).ConfigureAwait(false);
            Observe(response, exchange);
            return response;
        }
        catch (Exception ex)
        {
            exchange.OnFailure(ex);
            throw;
        }
        finally
        {
            // The stages outside (a retry, a digest re-send, a 307) copy the request they sent, not this wrapper.
            if (!ReferenceEquals(request.Content, original))
            {
                request.Content = original;
            }
        }
    }

    /// <summary>Stops recording and writes the file (once; later calls wait for the same write).</summary>
    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            _disposal ??= WriteAsync();
            return new ValueTask(_disposal);
        }
    }

    private static void Observe(HttpResponseMessage response, HarExchange exchange)
    {
        // The HttpAdapter decodes compressed bodies; the recording sits under the decoding so it sees the bytes on the wire.
        if (response.Content is DecodingContent decoding && DecodingContent.Decodable(decoding.Inner) is { } encodings)
        {
            exchange.OnResponse(response, decoding.Inner, encodings);
            response.Content = new DecodingContent(new HarResponseContent(decoding.Inner, exchange), encodings);
        }
        else
        {
            exchange.OnResponse(response, response.Content, null);
            response.Content = new HarResponseContent(response.Content, exchange);
        }
    }

    private bool TryAdd(HarExchange exchange)
    {
        lock (_gate)
        {
            if (_disposal is not null)
            {
                return false;
            }

            _exchanges.Add(exchange);
            return true;
        }
    }

    private async Task WriteAsync()
    {
        await Task.Yield();
        _detach(this);
        HarExchange[] exchanges;
        lock (_gate)
        {
            exchanges = [.. _exchanges];
        }

        var entries = new List<HarEntry>(exchanges.Length);
        foreach (var exchange in exchanges)
        {
            entries.Add(exchange.Snapshot());
        }

        // Exchanges are added as hops start, so the entries are in the order of startedDateTime, as HAR readers expect.
        await HarWriter.WriteFileAsync(_path, entries, Options).ConfigureAwait(false);
    }
}
