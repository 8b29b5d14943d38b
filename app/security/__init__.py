"""Account security: two-factor login (TOTP + recovery codes), own password, idle timeout."""
