"""One async def per ManageSieve command: `auth` (any state and login),
`scripts` (the script commands of the authenticated state)."""
