namespace Pipeline;

/// <summary>
/// Reports how far a request's body has been sent or its response's body received, for
/// <see cref="RequestOptions.Progress"/>.
/// </summary>
/// <remarks>
/// <para>
/// Each report carries both counts; <see cref="Direction"/> says which one moved. Bytes are counted as they cross the
/// connection: a compressed response is counted before it is decoded, so <see cref="TotalBytesToReceive"/> (its
/// Content-Length) applies to it too and <see cref="Response.Content"/> may be longer.
/// </para>
/// <para>
/// Reports are throttled: one when a body starts (0 bytes, with the total when it is known), then at most one per
/// 64 KiB moved or, for a slow body, one per 100 ms while bytes move, and always a last one with
/// <see cref="Completed"/> set, whose total is the bytes actually moved.
/// </para>
/// </remarks>
public readonly record struct TransferProgress
{
    /// <summary>Gets which body this report is about.</summary>
    public TransferDirection Direction { get; init; }

    /// <summary>Gets the bytes of the request body sent so far.</summary>
    /// <remarks>A body sent again (a 307 or 308 redirect, a retry, an answered auth challenge) counts from 0 again.</remarks>
    public long BytesSent { get; init; }

    /// <summary>Gets the length of the request body (its Content-Length), or <see langword="null"/> when it is not known (a chunked upload) or there is none.</summary>
    public long? TotalBytesToSend { get; init; }

    /// <summary>Gets the bytes of the response body received so far, as they came over the connection (before decoding).</summary>
    public long BytesReceived { get; init; }

    /// <summary>Gets the length of the response body as sent (its Content-Length), or <see langword="null"/> when it is not known or no body has started.</summary>
    public long? TotalBytesToReceive { get; init; }

    /// <summary>Gets a value indicating whether the body of <see cref="Direction"/> is complete: the last report for it.</summary>
    public bool Completed { get; init; }
}
