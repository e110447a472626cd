using Microsoft.Extensions.Options;

namespace Pipeline;

/// <summary>Validates what attributes cannot: absolute base address, and certificate files that exist.</summary>
internal sealed class SessionSettingsCustomValidator : IValidateOptions<SessionSettings>
{
    public ValidateOptionsResult Validate(string? name, SessionSettings options)
    {
        var failures = new List<string>();
        if (options.BaseAddress is { IsAbsoluteUri: false })
        {
            failures.Add($"Session '{name}': BaseAddress '{options.BaseAddress}' must be an absolute URI.");
        }

        if (options.Verify?.CaBundlePath is { } bundle && !File.Exists(bundle) && !Directory.Exists(bundle))
        {
            failures.Add($"Session '{name}': Could not find a suitable TLS CA certificate bundle, invalid path: {bundle}");
        }

        if (options.Cert is { } cert)
        {
            foreach (var path in new[] { cert.CertificatePath, cert.KeyPath })
            {
                if (path is not null && !File.Exists(path))
                {
                    failures.Add($"Session '{name}': Could not find the TLS certificate file, invalid path: {path}");
                }
            }
        }

        if (options.Deadline is { } deadline && (deadline <= TimeSpan.Zero || deadline > CallDeadline.Max))
        {
            failures.Add($"Session '{name}': Deadline {deadline} must be positive and at most {CallDeadline.Max.TotalDays:0.#} days.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
