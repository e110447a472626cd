namespace Pipeline;

/// <summary>
/// Represents requests' <c>verify</c> setting: verify TLS against the system store (<see langword="true"/>),
/// do not verify (<see langword="false"/>), or verify against a CA bundle (a PEM file or a directory of PEM files).
/// </summary>
/// <remarks>Assign a <see cref="bool"/> or a path: <c>session.Verify = false;</c> or <c>session.Verify = "ca.pem";</c>.</remarks>
public sealed class Verify : IEquatable<Verify>
{
    private Verify(bool enabled, string? caBundlePath)
    {
        IsEnabled = enabled;
        CaBundlePath = caBundlePath;
    }

    /// <summary>Gets the setting that verifies against the system trust store.</summary>
    public static Verify Enabled { get; } = new(true, null);

    /// <summary>Gets the setting that turns certificate verification off.</summary>
    public static Verify Disabled { get; } = new(false, null);

    /// <summary>Gets a value indicating whether certificates are verified.</summary>
    public bool IsEnabled { get; }

    /// <summary>Gets the CA bundle path trusted instead of the system store, or <see langword="null"/>.</summary>
    public string? CaBundlePath { get; }

    /// <summary>Converts a <see cref="bool"/> to a <see cref="Verify"/> setting.</summary>
    /// <param name="verify"><see langword="true"/> to verify against the system store.</param>
    public static implicit operator Verify(bool verify) => verify ? Enabled : Disabled;

    /// <summary>Converts a CA bundle path to a <see cref="Verify"/> setting.</summary>
    /// <param name="caBundlePath">A PEM file or a directory of PEM files; <see langword="null"/> gives <see langword="null"/>.</param>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(caBundlePath))]
    public static implicit operator Verify?(string? caBundlePath) => caBundlePath is null ? null : FromCaBundle(caBundlePath);

    /// <summary>Creates a setting that trusts the CA certificates in a bundle instead of the system store.</summary>
    /// <param name="caBundlePath">A PEM file or a directory of PEM files.</param>
    /// <returns>The setting.</returns>
    /// <exception cref="ArgumentException"><paramref name="caBundlePath"/> is empty.</exception>
    public static Verify FromCaBundle(string caBundlePath)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(caBundlePath);
        return new(true, caBundlePath);
    }

    /// <summary>Converts a <see cref="bool"/> to a <see cref="Verify"/> setting.</summary>
    /// <param name="verify"><see langword="true"/> to verify against the system store.</param>
    /// <returns>The setting.</returns>
    public static Verify FromBoolean(bool verify) => verify;

    /// <inheritdoc/>
    public bool Equals(Verify? other) =>
        other is not null && IsEnabled == other.IsEnabled && string.Equals(CaBundlePath, other.CaBundlePath, StringComparison.Ordinal);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as Verify);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(IsEnabled, CaBundlePath);

    /// <summary>Returns <c>true</c>, <c>false</c> or the CA bundle path.</summary>
    /// <returns>The setting as text.</returns>
    public override string ToString() => CaBundlePath ?? (IsEnabled ? "true" : "false");
}
