using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Pipeline;

/// <summary>
/// TLS settings as requests' <c>HTTPAdapter.cert_verify</c>: verify against the system store, a CA bundle (a PEM file
/// or a directory of PEM files) trusted instead of it, or not at all; a client certificate from PEM or PKCS#12.
/// </summary>
internal static class TlsRules
{
    /// <summary>
    /// The verify setting a request uses: its own or the session's, and when that is the default <c>true</c> and
    /// <c>TrustEnv</c> is on, <c>REQUESTS_CA_BUNDLE</c> or <c>CURL_CA_BUNDLE</c> (an explicit value always wins, a
    /// departure from requests, which lets the environment override an explicit <c>verify=False</c>).
    /// </summary>
    public static Verify EffectiveVerify(Verify verify, bool trustEnv)
    {
        if (!trustEnv || !verify.IsEnabled || verify.CaBundlePath is not null)
        {
            return verify;
        }

        foreach (var name in (string[])["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } bundle)
            {
                return Verify.FromCaBundle(bundle);
            }
        }

        return verify;
    }

    /// <summary>Checks that the files a request needs exist, so a wrong path fails before anything is sent.</summary>
    public static void CheckPaths(Verify verify, ClientCert? cert)
    {
        if (verify.CaBundlePath is { } bundle && !File.Exists(bundle) && !Directory.Exists(bundle))
        {
            throw new SslException($"Could not find a suitable TLS CA certificate bundle, invalid path: {bundle}");
        }

        // requests' cert_verify checks each path with os.path.exists, so a directory passes here and fails when loaded.
        if (cert is not null && !Exists(cert.CertificatePath))
        {
            throw new SslException($"Could not find the TLS certificate file, invalid path: {cert.CertificatePath}");
        }

        if (cert?.KeyPath is { } key && !Exists(key))
        {
            throw new SslException($"Could not find the TLS key file, invalid path: {key}");
        }

        static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);
    }

    /// <summary>Builds the client TLS options of one connection pool.</summary>
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5359", Justification = "Verify = false is the caller's explicit choice for that request or session (requests' verify=False); it is logged per host.")]
    public static SslClientAuthenticationOptions CreateOptions(Verify verify, ClientCert? cert)
    {
        CheckPaths(verify, cert);
        var options = new SslClientAuthenticationOptions();
        if (!verify.IsEnabled)
        {
            // requests' verify=False: CERT_NONE. The adapter logs a warning per host, as urllib3's InsecureRequestWarning.
            options.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (verify.CaBundlePath is { } bundle)
        {
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.AddRange(LoadBundle(bundle));
            options.CertificateChainPolicy = policy;
        }

        if (cert is not null)
        {
            options.ClientCertificates = [LoadClientCertificate(cert)];
        }

        return options;
    }

    private static X509Certificate2Collection LoadBundle(string path)
    {
        var certificates = new X509Certificate2Collection();
        var files = Directory.Exists(path)
            ? Directory.EnumerateFiles(path).Where(f => !Path.GetFileName(f).StartsWith('.'))
            : [path];
        foreach (var file in files)
        {
            try
            {
                certificates.ImportFromPemFile(file);
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
            {
                // A directory may hold other files; a file named explicitly must be readable.
                if (!Directory.Exists(path))
                {
                    throw new SslException($"Could not read the TLS CA certificate bundle '{path}': {ex.Message}", ex);
                }
            }
        }

        if (certificates.Count == 0)
        {
            throw new SslException($"The TLS CA certificate bundle '{path}' holds no PEM certificate.");
        }

        return certificates;
    }

    private static X509Certificate2 LoadClientCertificate(ClientCert cert)
    {
        try
        {
            return cert.IsPkcs12
                ? X509CertificateLoader.LoadPkcs12FromFile(cert.CertificatePath, cert.Password)
                : X509Certificate2.CreateFromPemFile(cert.CertificatePath, cert.KeyPath ?? cert.CertificatePath);
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
        {
            throw new SslException($"Could not load the TLS client certificate '{cert}': {ex.Message}", ex);
        }
    }

    /// <summary>Describes a TLS failure as requests' SSLError does: the reason first.</summary>
    public static string Describe(AuthenticationException ex) => ex.InnerException is { } inner ? $"{ex.Message} {inner.Message}" : ex.Message;
}
