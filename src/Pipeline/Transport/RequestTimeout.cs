namespace Pipeline;

/// <summary>
/// Represents requests' <c>timeout</c>: one value for both connecting and reading, or a (connect, read) pair.
/// </summary>
/// <remarks>A <see langword="null"/> part means no limit for that phase, as requests' <c>None</c>.</remarks>
public sealed class RequestTimeout : IEquatable<RequestTimeout>
{
    // The longest wait CancellationTokenSource.CancelAfter takes (uint.MaxValue - 1 milliseconds).
    private static readonly TimeSpan MaxTimeout = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    /// <summary>Initializes a new instance of the <see cref="RequestTimeout"/> class.</summary>
    /// <param name="connect">The limit for establishing the connection, or <see langword="null"/> for none.</param>
    /// <param name="read">The limit for each wait on the server, or <see langword="null"/> for none.</param>
    /// <exception cref="ArgumentOutOfRangeException">A value is zero, negative, or longer than a timer can wait (about 49 days).</exception>
    public RequestTimeout(TimeSpan? connect, TimeSpan? read)
    {
        if (connect is { } c && c != Timeout.InfiniteTimeSpan && (c <= TimeSpan.Zero || c > MaxTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(connect), c, "A timeout must be positive and at most 49 days; use null for none.");
        }

        if (read is { } r && r != Timeout.InfiniteTimeSpan && (r <= TimeSpan.Zero || r > MaxTimeout))
        {
            throw new ArgumentOutOfRangeException(nameof(read), r, "A timeout must be positive and at most 49 days; use null for none.");
        }

        Connect = connect == Timeout.InfiniteTimeSpan ? null : connect;
        Read = read == Timeout.InfiniteTimeSpan ? null : read;
    }

    /// <summary>Gets the limit for establishing the connection, or <see langword="null"/> for none.</summary>
    public TimeSpan? Connect { get; }

    /// <summary>Gets the limit for each wait on the server, or <see langword="null"/> for none.</summary>
    public TimeSpan? Read { get; }

    /// <summary>Converts one value, used for both connecting and reading.</summary>
    /// <param name="both">The limit.</param>
    public static implicit operator RequestTimeout(TimeSpan both) => new(both, both);

    /// <summary>Converts a (connect, read) pair.</summary>
    /// <param name="pair">The limits.</param>
    public static implicit operator RequestTimeout((TimeSpan Connect, TimeSpan Read) pair) => new(pair.Connect, pair.Read);

    /// <summary>Creates a timeout used for both connecting and reading.</summary>
    /// <param name="both">The limit.</param>
    /// <returns>The timeout.</returns>
    public static RequestTimeout FromTimeSpan(TimeSpan both) => both;

    /// <summary>Creates a (connect, read) timeout.</summary>
    /// <param name="pair">The limits.</param>
    /// <returns>The timeout.</returns>
    public static RequestTimeout FromValueTuple((TimeSpan Connect, TimeSpan Read) pair) => pair;

    /// <inheritdoc/>
    public bool Equals(RequestTimeout? other) => other is not null && Connect == other.Connect && Read == other.Read;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as RequestTimeout);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Connect, Read);

    /// <summary>Returns the limits as <c>(connect, read)</c>.</summary>
    /// <returns>The limits.</returns>
    public override string ToString() => $"({Connect?.ToString() ?? "none"}, {Read?.ToString() ?? "none"})";
}
