namespace Pipeline;

/// <summary>
/// Represents requests' <c>cert</c> setting: a client certificate as one PEM file holding the certificate and
/// its key, a (certificate, key) pair of PEM files, or a PKCS#12 file with its password.
/// </summary>
public sealed class ClientCert : IEquatable<ClientCert>
{
    private ClientCert(string certificatePath, string? keyPath, string? password, bool isPkcs12)
    {
        CertificatePath = certificatePath;
        KeyPath = keyPath;
        Password = password;
        IsPkcs12 = isPkcs12;
    }

    /// <summary>Gets the path of the certificate file.</summary>
    public string CertificatePath { get; }

    /// <summary>Gets the path of the PEM private key, or <see langword="null"/> when the key is in the certificate file.</summary>
    public string? KeyPath { get; }

    /// <summary>Gets the password of a PKCS#12 file, or <see langword="null"/>.</summary>
    public string? Password { get; }

    /// <summary>Gets a value indicating whether <see cref="CertificatePath"/> is a PKCS#12 (.pfx/.p12) file.</summary>
    public bool IsPkcs12 { get; }

    /// <summary>Converts one PEM path (certificate and key together) to a <see cref="ClientCert"/>.</summary>
    /// <param name="certificateAndKeyPath">The PEM file; <see langword="null"/> gives <see langword="null"/>.</param>
    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(certificateAndKeyPath))]
    public static implicit operator ClientCert?(string? certificateAndKeyPath) =>
        certificateAndKeyPath is null ? null : FromPem(certificateAndKeyPath);

    /// <summary>Converts a (certificate, key) pair of PEM paths to a <see cref="ClientCert"/>.</summary>
    /// <param name="pair">The certificate and key paths.</param>
    public static implicit operator ClientCert((string Certificate, string Key) pair) => FromPem(pair.Certificate, pair.Key);

    /// <summary>Creates a client certificate from PEM files.</summary>
    /// <param name="certificatePath">The certificate PEM (it may hold the key too).</param>
    /// <param name="keyPath">The key PEM, or <see langword="null"/> when the key is in <paramref name="certificatePath"/>.</param>
    /// <returns>The setting.</returns>
    /// <exception cref="ArgumentException">A path is empty.</exception>
    public static ClientCert FromPem(string certificatePath, string? keyPath = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(certificatePath);
        if (keyPath is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(keyPath);
        }

        return new(certificatePath, keyPath, null, false);
    }

    /// <summary>Creates a client certificate from a PKCS#12 (.pfx/.p12) file.</summary>
    /// <param name="path">The PKCS#12 file.</param>
    /// <param name="password">Its password, or <see langword="null"/>.</param>
    /// <returns>The setting.</returns>
    /// <exception cref="ArgumentException"><paramref name="path"/> is empty.</exception>
    public static ClientCert FromPkcs12(string path, string? password = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return new(path, null, password, true);
    }

    /// <summary>Creates a client certificate from one PEM path holding the certificate and key.</summary>
    /// <param name="certificateAndKeyPath">The PEM file.</param>
    /// <returns>The setting.</returns>
    public static ClientCert FromString(string certificateAndKeyPath) => FromPem(certificateAndKeyPath);

    /// <summary>Creates a client certificate from a (certificate, key) pair of PEM paths.</summary>
    /// <param name="pair">The certificate and key paths.</param>
    /// <returns>The setting.</returns>
    public static ClientCert FromValueTuple((string Certificate, string Key) pair) => pair;

    /// <inheritdoc/>
    public bool Equals(ClientCert? other) =>
        other is not null
        && string.Equals(CertificatePath, other.CertificatePath, StringComparison.Ordinal)
        && string.Equals(KeyPath, other.KeyPath, StringComparison.Ordinal)
        && string.Equals(Password, other.Password, StringComparison.Ordinal)
        && IsPkcs12 == other.IsPkcs12;

    /// <inheritdoc/>
    public override bool Equals(object? obj) => Equals(obj as ClientCert);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(CertificatePath, KeyPath, Password, IsPkcs12);

    /// <summary>Returns the file paths; a password is never shown.</summary>
    /// <returns>The paths.</returns>
    public override string ToString() => KeyPath is null ? CertificatePath : $"({CertificatePath}, {KeyPath})";
}
