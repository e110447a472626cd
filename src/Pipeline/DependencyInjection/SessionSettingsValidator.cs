using Microsoft.Extensions.Options;

namespace Pipeline;

/// <summary>Validates the DataAnnotations of <see cref="SessionSettings"/> (generated, no reflection).</summary>
[OptionsValidator]
internal sealed partial class SessionSettingsValidator : IValidateOptions<SessionSettings>;
