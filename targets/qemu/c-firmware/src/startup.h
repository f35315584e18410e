#ifndef CFW_STARTUP_H
#define CFW_STARTUP_H

/* Copies .data from flash and zeroes .bss, as at reset (the simulated reboot calls it again). */
void startup_init_ram(void);

#endif
