namespace Pipeline;

/// <summary>Says which body a <see cref="TransferProgress"/> report is about.</summary>
public enum TransferDirection
{
    /// <summary>The request body, as it is sent.</summary>
    Upload,

    /// <summary>The response body, as it is received.</summary>
    Download,
}
