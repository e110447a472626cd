namespace Pipeline;

/// <summary>A prepared body: the content to send and, when known, its bytes.</summary>
internal sealed record PreparedBody(HttpContent? Content, byte[]? Bytes)
{
    /// <summary>Whether a multipart body of file streams can be sent again as it is: every stream can seek back.</summary>
    public bool StreamsRewind { get; init; }

    /// <summary>Gets a value indicating whether the body goes out as <c>Transfer-Encoding: chunked</c>: a stream whose length requests' <c>super_len</c> finds to be 0.</summary>
    public bool Chunked { get; init; }

    public static PreparedBody None { get; } = new(null, null);
}
