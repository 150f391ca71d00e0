namespace ApiKit.Security.Mfa;

/// <summary>Options of <see cref="BackupCodeManager"/>.</summary>
public sealed class BackupCodeOptions
{
    /// <summary>Gets or sets how many codes a generation produces; generating again replaces all of them.</summary>
    /// <value>The default is <see cref="MfaDefaults.BackupCodeCount"/> (10). Allowed: 1 to 50.</value>
    public int Count { get; set; } = MfaDefaults.BackupCodeCount;

    /// <summary>Gets or sets the number of characters of a code (shown in groups of four).</summary>
    /// <value>The default is <see cref="MfaDefaults.BackupCodeLength"/> (12, about 59 bits). Allowed: 10 to 32.</value>
    public int Length { get; set; } = MfaDefaults.BackupCodeLength;
}
