namespace ChatApi.Data;

/// <summary>Stores application settings, one value per key (keys are compared exactly: they are already lower case).</summary>
internal interface ISettingRepository
{
    /// <returns><see cref="WriteResult.Duplicate"/> when the key exists.</returns>
    Task<WriteResult> CreateAsync(SettingRecord setting, CancellationToken cancellationToken);

    Task<SettingRecord?> GetAsync(string key, CancellationToken cancellationToken);

    /// <summary>Lists every setting ordered by key (ordinal).</summary>
    Task<IReadOnlyList<SettingRecord>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Overwrites the value and update time.</summary>
    /// <returns><see cref="WriteResult.NotFound"/> when the key does not exist.</returns>
    Task<WriteResult> UpdateAsync(SettingRecord setting, CancellationToken cancellationToken);

    /// <returns><see langword="false"/> when the key did not exist.</returns>
    Task<bool> DeleteAsync(string key, CancellationToken cancellationToken);
}
